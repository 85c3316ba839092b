"""Fault injection: crashes, gateway and REST failures, database outages, hostile input."""
