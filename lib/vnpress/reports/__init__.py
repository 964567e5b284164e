"""Reports: notebook parameters, the runner, figures, evidence cards, the findings page and the spreadsheet."""
