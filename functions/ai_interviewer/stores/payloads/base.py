"""The claim-check store port: request bodies too large for one SQS message, and large results."""

from __future__ import annotations

from abc import ABC, abstractmethod


class PayloadStore(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove an object; deleting one that is already gone is not an error."""
