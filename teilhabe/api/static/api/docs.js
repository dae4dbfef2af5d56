// Starts Swagger UI on the API docs page. A static file, not an inline script, so the strict
// Content-Security-Policy holds; nothing is loaded from another host (no online validator).
window.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
