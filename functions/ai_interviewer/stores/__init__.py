"""The stores: a port (`base.py`) and its adapters per store, each taking its client."""
