"""Formatting of survey figures: shares as percentages, intervals, scores, signed changes."""

from django import template
from django.utils.translation import gettext as _

from teilhabe.core.formatting import format_number, format_percent, format_signed, with_unit

register = template.Library()


@register.filter
def percent(share: float | None, decimals: int = 1) -> str:
    """0.4231 → "42.3 %" (localised); "–" for no value."""
    return format_percent(share, decimals)


@register.filter
def percent_interval(row, decimals: int = 1) -> str:
    """ "38.1–46.5 %" for an object with low and high shares; "" without an interval."""
    if getattr(row, "low", None) is None or getattr(row, "high", None) is None:
        return ""
    low = format_number(row.low * 100, decimals)
    high = format_number(row.high * 100, decimals)
    return with_unit(f"{low}–{high}", "%")


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    return format_number(value, decimals)


@register.filter
def interval(value, decimals: int = 1) -> str:
    """ "61.2–65.0" for an object with low and high; "" without an interval."""
    if value is None or getattr(value, "low", None) is None or getattr(value, "high", None) is None:
        return ""
    return f"{format_number(value.low, decimals)}–{format_number(value.high, decimals)}"


@register.filter
def signed(value: float | None, decimals: int = 1) -> str:
    """+2.5 / −1.0 / ±0.0 with a real minus sign."""
    return format_signed(value, decimals)


@register.filter
def group_score(scores: dict, group: str):
    return scores.get(group) if isinstance(scores, dict) else None


@register.simple_tag
def change_verdict(change) -> str:
    """Whether a change is clearly up, clearly down (its 95 % interval excludes 0) or within the uncertainty."""
    if change is None or change.is_empty:
        return ""
    if not change.has_interval:
        return _("no interval")
    if change.low > 0:
        return _("clearly higher")
    if change.high < 0:
        return _("clearly lower")
    return _("within the uncertainty")


@register.filter
def row_label(table, code) -> str:
    return table.row_label(code)


@register.filter
def column_label(table, code) -> str:
    return table.column_label(code)


@register.filter
def index(sequence, position: int):
    return sequence[position]


@register.filter
def make_list_of_groups(text: str) -> list[str]:
    """ "yes no all" → ["yes", "no", "all"]: the group columns of index tables, in order."""
    return text.split()


# Colours of the status badges (monitoring/status_labels css classes), dark enough for 3:1 against white.
_STATUS_FILL = {
    "status-target_achieved": "#1A5E34",
    "status-substantial_progress": "#2E7D32",
    "status-moderate_progress": "#7A6000",
    "status-limited_progress": "#A64200",
    "status-deterioration": "#A11B1B",
    "status-target_missed": "#6E1010",
}


@register.simple_tag
def structure_climate_chart(entry, chart_id: str):
    """The climate gap beside the structural gap of one area, as server-side SVG (the page's tables hold every
    figure it shows): bars of the climate score with and without an immigrant background on the 0–100 scale,
    the signed gap between them, and a bar of the area's gap indicators split by the status of their gap."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    width, bar_left = 340, 10
    scale = width - 2 * bar_left
    parts = []
    y = 0
    parts.append(f'<text x="0" y="{y + 14}" class="chart-heading">{escape(_("Climate gap"))}</text>')
    y += 22
    for group in entry.climate:
        score = group.score
        parts.append(f'<text x="0" y="{y + 12}" class="chart-label">{escape(group.label)}</text>')
        y += 16
        parts.append(f'<rect x="{bar_left}" y="{y}" width="{scale}" height="14" class="chart-track"/>')
        if score is not None and not score.is_withheld and score.estimate is not None:
            length = max(0.0, min(100.0, score.estimate)) / 100 * scale
            text = format_number(score.estimate, 1)
            parts.append(
                f'<rect x="{bar_left}" y="{y}" width="{length:.1f}" height="14" class="chart-bar-{group.group}"/>'
            )
            parts.append(
                f'<text x="{bar_left + length + 4 if length < scale - 40 else bar_left + length - 4:.1f}" '
                f'y="{y + 11}" class="chart-value{"" if length < scale - 40 else " inside"}" '
                f'text-anchor="{"start" if length < scale - 40 else "end"}">{escape(text)}</text>'
            )
        else:
            parts.append(f'<text x="{bar_left + 4}" y="{y + 11}" class="chart-value">/</text>')
        y += 20
    if entry.climate_gap is not None:
        gap_text = f"{_('Climate gap')}: {format_signed(entry.climate_gap.estimate, 1)}"
    else:
        gap_text = f"{_('Climate gap')}: /"
    parts.append(f'<text x="0" y="{y + 12}" class="chart-gap">{escape(gap_text)}</text>')
    y += 30
    parts.append(f'<text x="0" y="{y + 14}" class="chart-heading">{escape(_("Structural gap"))}</text>')
    y += 22
    total = sum(status.count for status in entry.gap_status_counts)
    if total:
        x = float(bar_left)
        for status in entry.gap_status_counts:
            length = status.count / total * scale
            fill = _STATUS_FILL.get(status.css_class, "#5A5A5A")
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="18" fill="{fill}" stroke="#fff">'
                f"<title>{escape(status.label)}: {escape(format_number(status.count, 0))}</title></rect>"
            )
            if length >= 18:
                parts.append(
                    f'<text x="{x + length / 2:.1f}" y="{y + 13}" class="chart-count" text-anchor="middle">'
                    f"{escape(format_number(status.count, 0))}</text>"
                )
            x += length
        y += 24
    else:
        parts.append(f'<text x="0" y="{y + 12}" class="chart-label">{escape(_("No gap indicators."))}</text>')
        y += 18
    title = f"{_('Climate gap')} · {_('Structural gap')}: {entry.area.title}"
    return mark_safe(  # noqa: S308 - every text is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="structure-climate-chart" viewBox="0 0 {width} {y}" '
        f'direction="ltr" role="img" focusable="false" aria-labelledby="{chart_id}-title">'
        f'<title id="{chart_id}-title">{escape(title)}</title>{"".join(parts)}</svg>'
    )
