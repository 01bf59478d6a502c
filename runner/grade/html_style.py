"""The roll-up page's stylesheet, inline so that the page is one file that fetches nothing.

Colours follow the terminal's: green credited, cyan with hints, magenta by the solution,
yellow skipped, grey not reached, red not credited; a flagged row has an amber edge."""

STYLE = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --line: #d5dae1;
  --ok: #1f7a3a; --ok-bg: #e3f4e8; --hint: #0b6e85; --hint-bg: #e0f3f7;
  --sol: #7a2f86; --sol-bg: #f3e6f5; --skip: #8a6100; --skip-bg: #fdf3d6;
  --bad: #a61b1b; --bad-bg: #fbe4e4; --flag: #d98200; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 24px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 2px 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eef1f5; font-weight: 600; }
th.task { text-align: center; }
tbody th { font-weight: 600; overflow-wrap: anywhere; min-width: 7em; max-width: 16em; }
td.result { white-space: nowrap; }
table.students td:last-child { min-width: 18em; }
td.num { text-align: right; white-space: nowrap; }
td.cell { text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.credited { color: var(--ok); background: var(--ok-bg); }
td.hints { color: var(--hint); background: var(--hint-bg); }
td.solution { color: var(--sol); background: var(--sol-bg); }
td.skipped { color: var(--skip); background: var(--skip-bg); }
td.not_reached, td.not_applicable, td.absent { color: var(--muted); }
td.not_credited { color: var(--bad); background: var(--bad-bg); font-weight: 600; }
tr.passed td.result { color: var(--ok); font-weight: 600; }
tr.failed td.result, tr.unreadable td.result { color: var(--bad); font-weight: 600; }
tr.not_graded td.result, tr.missing td.result { color: var(--skip); font-weight: 600; }
tr.missing th, tr.missing td { background: #fafafa; }
tr.flagged th { box-shadow: inset 4px 0 0 var(--flag); }
ul.flags { margin: 0; padding-left: 16px; color: #6b4300; }
ul.flags code { font-weight: 700; color: var(--flag); }
.legend { color: var(--muted); font-size: 13px; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 10px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  section { break-inside: auto; }
  h2 { break-after: avoid; }
}
"""
