"""The card provider behind one small interface, and the simulated provider the platform uses.

The simulated provider knows the test card tokens real providers offer. Its latency and a
transient-failure rate come from settings (`PAYMENT_PROVIDER_LATENCY_MS`,
`PAYMENT_PROVIDER_FAILURE_RATE`) so tests and chaos runs can make it slow or flaky. A real
provider would implement `CardProvider` and be returned by `card_provider()`.
"""

import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Card:
    """What the platform may keep of a card: its brand and last four digits, never the number."""

    brand: str
    last4: str


@dataclass(frozen=True)
class TestCard:
    card: Card
    decline: str | None = None  # the provider's decline code, if it declines this card
    transient: bool = False  # the provider fails on this card (a processing error)


TEST_CARDS: dict[str, TestCard] = {
    "tok_visa": TestCard(Card("visa", "4242")),
    "tok_mastercard": TestCard(Card("mastercard", "4444")),
    "tok_chargeDeclined": TestCard(Card("visa", "0002"), decline="card_declined"),
    "tok_insufficientFunds": TestCard(Card("visa", "9995"), decline="insufficient_funds"),
    "tok_processingError": TestCard(Card("visa", "0119"), transient=True),
}


class UnknownCard(Exception):
    """The token names no card the provider knows."""


class CardDeclined(Exception):
    """The provider refused the card for good; `reason` is its decline code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailable(Exception):
    """The provider failed transiently; the same call may succeed later."""


class CardProvider(Protocol):
    def card(self, *, card_token: str) -> Card: ...

    def authorize(self, *, reference: str, card_token: str, amount: Decimal,
                  currency: str) -> str: ...

    def capture(self, *, authorization: str, amount: Decimal) -> None: ...

    def void(self, *, authorization: str) -> None: ...

    def refund(self, *, authorization: str, amount: Decimal) -> None: ...


class SimulatedProvider:
    """No money moves: answers by test card, after a delay, failing a share of calls."""

    def __init__(self, *, latency_ms: int = 0, failure_rate: float = 0.0):
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate

    def _test_card(self, card_token: str) -> TestCard:
        test_card = TEST_CARDS.get(card_token)
        if test_card is None:
            raise UnknownCard(card_token)
        return test_card

    def _call(self, operation: str) -> None:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000)
        if self.failure_rate > 0 and random.random() < self.failure_rate:
            raise ProviderUnavailable(f"the provider failed to {operation} (simulated outage)")

    def card(self, *, card_token: str) -> Card:
        return self._test_card(card_token).card

    def authorize(self, *, reference: str, card_token: str, amount: Decimal,
                  currency: str) -> str:
        """Hold `amount` on the card; returns the provider's authorization id."""
        test_card = self._test_card(card_token)
        self._call("authorize")
        if test_card.transient:
            raise ProviderUnavailable("the provider could not process the card")
        if test_card.decline:
            raise CardDeclined(test_card.decline)
        # Keyed by the caller's reference, as real providers' idempotency keys are.
        return f"auth_{reference}"[:100]

    def capture(self, *, authorization: str, amount: Decimal) -> None:
        self._call("capture")

    def void(self, *, authorization: str) -> None:
        self._call("void")

    def refund(self, *, authorization: str, amount: Decimal) -> None:
        self._call("refund")


def card_provider() -> CardProvider:
    """The provider configured in settings."""
    return SimulatedProvider(latency_ms=settings.PAYMENT_PROVIDER_LATENCY_MS,
                             failure_rate=settings.PAYMENT_PROVIDER_FAILURE_RATE)
