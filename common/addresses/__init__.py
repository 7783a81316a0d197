"""Brazilian addresses as the store and the carrier accept them."""

from common.addresses.brazil import BRAZILIAN_STATES, CEP, AddressSerializer

__all__ = ["BRAZILIAN_STATES", "CEP", "AddressSerializer"]
