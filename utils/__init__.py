"""Helpers for the interactive PyTorch course."""
