"""The 27 federative units, the CEP format, and an address serializer that normalises both."""

import re

from rest_framework import serializers

BRAZILIAN_STATES = frozenset((
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
    "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
))
CEP = re.compile(r"(\d{5})-?(\d{3})")
BRAZIL_NAMES = frozenset({"BR", "BRA", "BRAZIL", "BRASIL"})


class AddressSerializer(serializers.Serializer):
    """A Brazilian address; state, zip code and country come out normalised."""

    street = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=20)
    complement = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                       allow_null=True, default="")
    district = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                     allow_null=True, default="")
    city = serializers.CharField(max_length=120)
    state = serializers.CharField(max_length=2, min_length=2)
    zip_code = serializers.CharField(max_length=9)
    country = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                    allow_null=True, default="BR")

    def validate_complement(self, value: str | None) -> str:
        return value or ""

    def validate_district(self, value: str | None) -> str:
        return value or ""

    def validate_state(self, value: str) -> str:
        if value.upper() not in BRAZILIAN_STATES:
            raise serializers.ValidationError(
                "Must be the two-letter code of one of the 27 Brazilian states.")
        return value.upper()

    def validate_zip_code(self, value: str) -> str:
        match = CEP.fullmatch(value)
        if match is None:
            raise serializers.ValidationError(
                "Must be a Brazilian CEP: 8 digits, e.g. 01310-100 or 01310100.")
        return f"{match[1]}-{match[2]}"

    def validate_country(self, value: str | None) -> str:
        if value and value.upper() not in BRAZIL_NAMES:
            raise serializers.ValidationError("Deliveries are within Brazil (BR) only.")
        return "BR"
