"""Views of the plans app."""
