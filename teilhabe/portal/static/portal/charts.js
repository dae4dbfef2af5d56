/* Progressive enhancement of the server-rendered line charts (portal/includes/chart.html).

   Without this script every chart is a complete SVG with a summary and a data table. With it:
   - a row of toggle buttons (one per legend entry) shows or hides a series; clicking an entry of the
     SVG legend does the same;
   - pointing at (or tapping) a point shows its series, period and value in a tooltip.
   The SVG marks carry data-series / data-tip attributes written on the server (teilhabe.portal.charts).
   No inline script, nothing from another host: it runs under the site's Content-Security-Policy. */
(function () {
  "use strict";

  function legendEntries(svg) {
    // Vega draws each legend entry as a <g> inside the legend's scope group, in the legend's order.
    var scope = svg.querySelector(".role-legend-entry .role-scope");
    if (!scope) { return []; }
    return Array.prototype.filter.call(scope.children, function (child) { return child.tagName.toLowerCase() === "g"; });
  }

  function marksOf(svg, label) {
    return Array.prototype.filter.call(svg.querySelectorAll("[data-series]"), function (mark) {
      return mark.getAttribute("data-series") === label;
    });
  }

  function enhance(image) {
    if (image.classList.contains("chart-enhanced")) { return; }
    var labels;
    try { labels = JSON.parse(image.getAttribute("data-chart-legend") || "[]"); } catch (e) { return; }
    if (!labels.length) { return; }
    image.classList.add("chart-enhanced");
    var svgs = image.querySelectorAll("svg.chart-svg");
    var shown = labels.map(function () { return true; });
    var buttons = [];

    function apply(index) {
      buttons[index].setAttribute("aria-pressed", shown[index] ? "true" : "false");
      Array.prototype.forEach.call(svgs, function (svg) {
        marksOf(svg, labels[index]).forEach(function (mark) { mark.classList.toggle("chart-off", !shown[index]); });
        var entry = legendEntries(svg)[index];
        if (entry) { entry.classList.toggle("chart-legend-off", !shown[index]); }
      });
    }

    function toggle(index) {
      shown[index] = !shown[index];
      apply(index);
    }

    var group = document.createElement("div");
    group.className = "chart-toggles";
    group.setAttribute("role", "group");
    var caption = image.getAttribute("data-caption");
    if (caption) { group.setAttribute("aria-labelledby", caption); }
    labels.forEach(function (label, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.setAttribute("aria-pressed", "true");
      button.addEventListener("click", function () { toggle(index); });
      buttons.push(button);
      group.appendChild(button);
    });
    image.parentNode.insertBefore(group, image);

    var tooltip = document.createElement("div");
    tooltip.className = "chart-tooltip";
    tooltip.hidden = true;
    tooltip.setAttribute("aria-hidden", "true"); // the same words are in the data table
    image.appendChild(tooltip);

    function show(point) {
      var box = image.getBoundingClientRect();
      var at = point.getBoundingClientRect();
      var series = point.getAttribute("data-series");
      var tip = point.getAttribute("data-tip");
      tooltip.textContent = tip === series ? tip : series + " – " + tip;
      tooltip.hidden = false;
      var left = Math.max(0, Math.min(at.left - box.left + at.width / 2 - tooltip.offsetWidth / 2, box.width - tooltip.offsetWidth));
      tooltip.style.left = left + "px";
      tooltip.style.top = Math.max(0, at.top - box.top - tooltip.offsetHeight - 8) + "px";
    }

    Array.prototype.forEach.call(svgs, function (svg) {
      svg.querySelectorAll(".mark-symbol [data-tip]").forEach(function (point) {
        point.addEventListener("mouseenter", function () { show(point); });
        point.addEventListener("click", function () { show(point); });
        point.addEventListener("mouseleave", function () { tooltip.hidden = true; });
      });
      legendEntries(svg).forEach(function (entry, index) {
        if (index < labels.length) { entry.addEventListener("click", function () { toggle(index); }); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { tooltip.hidden = true; }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart-image[data-chart-legend]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
