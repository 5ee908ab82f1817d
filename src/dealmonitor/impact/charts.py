"""A server-rendered SVG line chart: measured series against targets. No JavaScript; the
page shows the same figures in a data table as the text alternative."""

from decimal import Decimal

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 640, 260, 56, 16, 16, 40


def _x(day, first, span):
    return PAD_L + (day - first).days / span * (WIDTH - PAD_L - PAD_R) if span else PAD_L


def _y(value, low, high):
    if high == low:
        return PAD_T + (HEIGHT - PAD_T - PAD_B) / 2
    return PAD_T + (1 - float((value - low) / (high - low))) * (HEIGHT - PAD_T - PAD_B)


def line_chart(points, targets, baseline=None, partners=()):
    """points: [(date, Decimal)], the series the table shows (each period's actual at its
    end); targets: [(period_end, Decimal)]; partners: [(label, points)], each reporting
    organisation's contribution on the same dates. Returns a dict for the template, or None
    when there is nothing to draw."""
    partners = [(label, pts) for label, pts in partners if pts]
    values = [v for _, v in points] + [v for _, v in targets]
    values += [v for _, pts in partners for _, v in pts]
    if baseline is not None:
        values.append(baseline)
    days = [d for d, _ in points] + [d for d, _ in targets]
    if not values or not days:
        return None
    low, high = min(values + [Decimal(0)]), max(values)
    if high == low:
        high = low + 1
    first, last = min(days), max(days)
    span = (last - first).days or 1

    def xy(day, value):
        return round(_x(day, first, span), 1), round(_y(value, low, high), 1)

    measured = [xy(d, v) for d, v in sorted(points)]
    target_marks = [xy(d, v) for d, v in sorted(targets)]
    ticks = []
    for i in range(5):
        value = low + (high - low) * Decimal(i) / 4
        ticks.append({"y": round(_y(value, low, high), 1), "label": f"{value.normalize():f}"[:10]})
    years = sorted({d.year for d in days})
    x_ticks = []
    for year in years:
        import datetime as dt

        day = max(first, dt.date(year, 1, 1))
        x_ticks.append({"x": round(_x(day, first, span), 1), "label": str(year)})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": PAD_L,
        "plot_bottom": HEIGHT - PAD_B,
        "plot_right": WIDTH - PAD_R,
        "measured_path": " ".join(f"{x},{y}" for x, y in measured),
        "measured": measured,
        "series": sorted(points),
        "partners": [
            {"label": label, "n": i % 4 + 1,
             "path": " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in sorted(pts)))}
            for i, (label, pts) in enumerate(partners)
        ],
        "targets": target_marks,
        "baseline_y": round(_y(baseline, low, high), 1) if baseline is not None else None,
        "y_ticks": ticks,
        "x_ticks": x_ticks,
    }
