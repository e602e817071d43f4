"""Detectors observe executions and describe failures; they never steer."""
