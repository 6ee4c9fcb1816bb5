"""Calibration and tuning: the settings these scripts measure are committed in index/."""
