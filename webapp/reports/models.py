"""Models of the reports package."""
