"""Text output and safe file writes."""
