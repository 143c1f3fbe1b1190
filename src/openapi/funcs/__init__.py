"""Standalone endpoint functions, one module each: importing one imports no other."""
