"""The figures Legation computes from the registry: isolation, precedents, reciprocity, the options
brief, and the charts and reports that show them (docs/analysis.md)."""
