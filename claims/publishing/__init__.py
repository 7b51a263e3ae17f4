"""What readers and partners see: published verdicts, their search, markup and freshness."""
