"""Pydantic models shared by every function: request bodies, webhook payloads, jobs and messages."""
