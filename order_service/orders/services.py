"""Writes on orders: creation (one stock reservation that also prices the lines), status
moves (by ADMINs and services, an owner's cancel, the pending expiry), the purchase hold, and
the local copy of users.

Creating an order makes one call to product_service whatever its size: the reservation, which
answers each product's name and price. Whether the user exists is known locally: the caller's
own token says so, and for another user (an ADMIN ordering for them) the copy of users fed by
user_service's events does; only a user the copy has not heard of costs one lookup in
user_service, made beside the reservation. The order id is chosen first and used as the
reservation reference, so whatever fails can give the stock back by that reference.
"""

import contextvars
import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from common.db import insert_rows
from common.errors import Conflict, UpstreamUnavailable
from common.lines import quantities_within_bounds
from orders import clients, events, selectors
from orders.models import IdempotencyKey, KnownUser, Order, OrderItem
from orders.status import INITIAL, ORDER_STATUS, IllegalMove, OrderRefusal, OrderStatus

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
# An order for a user who does not exist, or no longer may order (400 on `user_id`).
UNKNOWN_USER = "unknown_user"


@dataclass(frozen=True)
class PricedLine:
    product_id: uuid.UUID
    name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


def order_items_merge(*, items: list[dict]) -> dict[uuid.UUID, int]:
    """Quantities by product, the same product named twice summed; the sum obeys the line limit."""
    return quantities_within_bounds(items)


def order_lines_price(*, quantities: dict[uuid.UUID, int],
                      products: dict[uuid.UUID, clients.ReservedLine]
                      ) -> tuple[list[PricedLine], Decimal]:
    """Each line priced as its product was reserved (name and unit price copied), and the
    order total."""
    lines = []
    for product_id, quantity in quantities.items():
        product = products[product_id]
        unit_price = product.unit_price.quantize(CENT)
        lines.append(PricedLine(product_id=product_id, name=product.name,
                                unit_price=unit_price, quantity=quantity,
                                line_total=(unit_price * quantity).quantize(CENT)))
    total = sum((line.line_total for line in lines), Decimal("0.00"))
    return lines, total


def _request_hash(*, user_id: uuid.UUID, quantities: dict[uuid.UUID, int]) -> str:
    canonical = json.dumps({"user_id": str(user_id),
                            "items": sorted([str(pid), qty] for pid, qty in quantities.items())})
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(*, caller_id: uuid.UUID, key: str, request_hash: str) -> Order | None:
    """The order a previous create with this key made, or None; Conflict if the body differs."""
    record = selectors.idempotency_key_get(user_id=caller_id, key=key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was already used with a different request.",
                       details={"idempotency_key": key}, reason=IDEMPOTENCY_KEY_REUSED)
    return selectors.order_get(order_id=record.order_id)


def _reservation_release_quietly(*, reference: str) -> None:
    """Best effort: a failure here is logged, the caller's own error is what the client sees."""
    try:
        clients.reservation_release(reference=reference)
    except UpstreamUnavailable:
        logger.error("could not release reservation %s: stock stays held", reference,
                     extra={"reservation": reference})


def _order_insert(*, order_id: uuid.UUID, user_id: uuid.UUID, lines: list[PricedLine],
                  total: Decimal, idempotency: tuple[uuid.UUID, str, str] | None) -> Order:
    """The order, its lines and its idempotency key; the caller holds the transaction."""
    (order,) = insert_rows([Order(id=order_id, user_id=user_id, total_amount=total,
                                  status=INITIAL)])
    items = insert_rows([
        OrderItem(order=order, product_id=line.product_id, name=line.name,
                  unit_price=line.unit_price, quantity=line.quantity,
                  line_total=line.line_total)
        for line in lines
    ])
    if idempotency is not None:
        caller_id, key, request_hash = idempotency
        insert_rows([IdempotencyKey(user_id=caller_id, key=key, request_hash=request_hash,
                                    order=order)])
    ORDER_STATUS.begin(instance=order, note="Order placed.")
    events.order_created_publish(order=order, items=items)
    # The answer is built from what was just written, with no second read.
    order._prefetched_objects_cache = {"items": items}
    return order


_calls = ThreadPoolExecutor(max_workers=12, thread_name_prefix="order-calls")


def _in_context(function, **kwargs) -> Future:
    """Run on the pool with this request's context (request id, trace) carried over."""
    return _calls.submit(contextvars.copy_context().run, functools.partial(function, **kwargs))


class UnknownUser(ValidationError):
    """The user an order names does not exist or may no longer order: 400 on `user_id`."""

    reason = UNKNOWN_USER

    def __init__(self):
        super().__init__({"user_id": ["Unknown user."]})


def known_user_record(*, user_id: uuid.UUID, is_active: bool) -> None:
    """What an event said about a user (`shop.user.registered`/`changed`): it overwrites the
    copy, lookups included, since events about one user arrive in the order they happened."""
    KnownUser.objects.update_or_create(
        user_id=user_id, defaults={"is_active": is_active, "source": KnownUser.Source.EVENT})


def known_user_record_lookup(*, user_id: uuid.UUID) -> None:
    """user_service answered that this user exists: kept unless an event got there first
    (an event is never overwritten by a lookup, which may be older)."""
    KnownUser.objects.bulk_create(
        [KnownUser(user_id=user_id, is_active=True, source=KnownUser.Source.LOOKUP)],
        ignore_conflicts=True)


def _user_known(*, user_id: uuid.UUID, verified: bool) -> bool | None:
    """Whether the user may be ordered for, as far as this service knows without a call:
    True for the caller's own verified token (signed by user_service, checked against the
    revocation list), the copy's answer for anybody else, None when the copy has not heard
    of them (then user_service is asked)."""
    if verified:
        return True
    known = selectors.known_user_get(user_id=user_id)
    return None if known is None else known.is_active


class _Calls:
    """What an order needs from other services: one reservation, which answers each line's
    name and unit price; and, for a user the local copy has not heard of, one lookup in
    user_service, started beside the reservation (neither needs the other's answer).

    Errors are reported in the contract's order: the user, the products, the stock. If the
    order then fails for any reason, the stock is given back by the reference.
    """

    def __init__(self, *, user_id: uuid.UUID, user_known: bool | None,
                 quantities: dict[uuid.UUID, int], reference: str):
        self.reference = reference
        self._user_id = user_id
        self._user = (_in_context(clients.user_exists, user_id=user_id)
                      if user_known is None else None)
        self._reservation_error: BaseException | None = None
        self._lines: dict[uuid.UUID, clients.ReservedLine] = {}
        try:
            self._lines = clients.reservation_create(reference=reference, quantities=quantities)
        except Exception as exc:  # reported after the user's verdict, in `reserved()`
            self._reservation_error = exc

    def reserved(self) -> dict[uuid.UUID, clients.ReservedLine]:
        """Each line's name and price once the user and the reservation are known good; a
        refusal (400, 409) or a lost call raises."""
        if self._user is not None:
            if not self._user.result():
                raise UnknownUser()
            known_user_record_lookup(user_id=self._user_id)
        if self._reservation_error is not None:
            raise self._reservation_error
        return self._lines

    def give_back(self) -> None:
        """Release the stock unless the reservation was refused (then nothing was taken).
        A lost answer (UpstreamUnavailable) may hide a reservation made: released too."""
        error = self._reservation_error
        if error is None or isinstance(error, UpstreamUnavailable):
            _reservation_release_quietly(reference=self.reference)


def order_create(*, caller_id: uuid.UUID, user_id: uuid.UUID, items: list[dict],
                 user_verified: bool = False,
                 idempotency_key: str | None = None) -> tuple[Order, bool]:
    """Create a pending order with its stock reserved; returns (order, created).

    `user_verified`: the user is the caller of a verified USER or ADMIN token, so they exist
    (else the local copy of users answers, or user_service when the copy has not heard of
    them). With an idempotency key already used by this caller for the same request, the
    first order comes back (created False) and nothing else happens.
    """
    quantities = order_items_merge(items=items)
    request_hash = _request_hash(user_id=user_id, quantities=quantities)
    if idempotency_key:
        previous = _replayed(caller_id=caller_id, key=idempotency_key, request_hash=request_hash)
        if previous is not None:
            return previous, False

    user_known = _user_known(user_id=user_id, verified=user_verified)
    if user_known is False:
        raise UnknownUser()
    order_id = uuid.uuid4()
    idempotency = (caller_id, idempotency_key, request_hash) if idempotency_key else None
    calls = _Calls(user_id=user_id, user_known=user_known, quantities=quantities,
                   reference=str(order_id))
    try:
        lines, total = order_lines_price(quantities=quantities, products=calls.reserved())
        with transaction.atomic():
            order = _order_insert(order_id=order_id, user_id=user_id, lines=lines, total=total,
                                  idempotency=idempotency)
    except IntegrityError:
        calls.give_back()
        # A concurrent create with the same key won the race: answer its order.
        previous = idempotency_key and _replayed(caller_id=caller_id, key=idempotency_key,
                                                 request_hash=request_hash)
        if previous:
            return previous, False
        raise
    except BaseException:
        calls.give_back()
        raise
    return order, True


def _order_move(*, order: Order, to: str, note: str, only_from=None, reason=None) -> bool:
    """One move of `order`, in the caller's transaction: the status under a row lock with its
    history row, the stock given back on a cancel, the event. False when nothing changed.

    Giving the stock back happens while the row is still locked and before the commit, so a
    product_service that is down (UpstreamUnavailable) leaves the order as it was."""
    move = ORDER_STATUS.move(instance=order, to=to, note=note, only_from=only_from,
                             reason=reason)
    if move is None:
        return False
    if move.target == OrderStatus.CANCELLED:
        # 404 (no reservation, e.g. a demo order) means there is nothing to give back.
        clients.reservation_release(reference=str(order.id))
    events.order_status_changed_publish(order=order, source=move.source, target=move.target)
    return True


def order_status_change(*, order_id: uuid.UUID, status: str, note: str = "") -> Order:
    """Apply one move of the state machine (ADMIN, SERVICE); the same status again is a no-op."""
    with transaction.atomic():
        order = selectors.order_get(order_id=order_id)
        if order is None:
            raise NotFound("Order not found.")
        _order_move(order=order, to=status, note=note)
    return order  # the move wrote its status and time onto it; its lines do not move


def order_cancel_by_owner(*, order_id: uuid.UUID, user_id: uuid.UUID) -> Order:
    """The owner's cancel: only while the order is pending (else 409 `order_not_pending`)."""
    with transaction.atomic():
        order = selectors.order_get(order_id=order_id)
        if order is None or order.user_id != user_id:
            raise NotFound("Order not found.")
        _order_move(order=order, to=OrderStatus.CANCELLED, note="Cancelled by its owner.",
                    only_from={OrderStatus.PENDING}, reason=OrderRefusal.ORDER_NOT_PENDING)
    return order


def order_expire(*, order_id: uuid.UUID, cutoff: datetime) -> bool:
    """Cancel one pending order created before `cutoff` that no purchase holds; stock given back.

    The row is locked first, skipping it if a move holds it (the store moving it to
    processing): the next pass sees the result. Under the lock the order must still be
    pending, old and unheld, so an order the store has just moved, or a purchase has just
    claimed, is left alone. False when it was not expired."""
    with transaction.atomic():
        order = (Order.objects.select_for_update(skip_locked=True)
                 .filter(id=order_id, status=OrderStatus.PENDING, created_at__lt=cutoff,
                         purchase_id__isnull=True).first())
        if order is None:
            return False
        try:
            return _order_move(order=order, to=OrderStatus.CANCELLED,
                               note="Expired: nobody bought it in time.",
                               only_from={OrderStatus.PENDING},
                               reason=OrderRefusal.ORDER_NOT_PENDING)
        except IllegalMove:
            return False


def orders_expire_pending(*, now: datetime | None = None, limit: int = 100,
                          should_stop: Callable[[], bool] = lambda: False) -> int:
    """Expire up to `limit` pending orders older than ORDER_PENDING_MINUTES; the count expired.

    An order whose stock cannot be given back now (product_service unavailable) stays pending
    and is tried again on the next pass; the pass stops there rather than fail on every order.
    `should_stop` is asked before each order (a worker being stopped finishes the one in hand)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.ORDER_PENDING_MINUTES)
    expired = 0
    for order_id in selectors.order_ids_expirable(cutoff=cutoff, limit=limit):
        if should_stop():
            break
        try:
            if order_expire(order_id=order_id, cutoff=cutoff):
                expired += 1
        except UpstreamUnavailable as exc:
            logger.warning("order %s not expired: %s", order_id, exc.detail,
                           extra={"order_id": str(order_id)})
            break
    return expired


# Purchase states after which the store no longer needs the order held: it has moved the
# order to processing, or it has failed and cancels the order itself.
PURCHASE_ENDED = frozenset({"RESERVE_DELIVERED", "FAILED"})


def order_purchase_track(*, order_id: uuid.UUID, purchase_id: uuid.UUID,
                         purchase_state: str) -> None:
    """Hold a pending order while a purchase buys it; let go once that purchase has ended.

    Runs once per event (the inbox sees to it); an unknown order is ignored, since the store
    only buys orders that exist and this service never deletes one."""
    if purchase_state in PURCHASE_ENDED:
        Order.objects.filter(id=order_id, purchase_id=purchase_id).update(purchase_id=None)
    else:
        Order.objects.filter(id=order_id).update(purchase_id=purchase_id)
