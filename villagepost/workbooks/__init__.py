"""Writing Excel workbooks: the one writer the rosters (exports, templates, error reports) and the reports
(summaries, checklists, inspection forms) share, so neither layer reaches into the other for it."""
