"""Validation: coding sheets, researchers' codes, agreement with the machine."""
