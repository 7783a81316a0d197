"""Brazil's 27 federative units, the five regions they form and how far apart regions are."""

NORTH, NORTHEAST, CENTER_WEST, SOUTHEAST, SOUTH = "N", "NE", "CO", "SE", "S"

REGION_OF_STATE: dict[str, str] = {
    **dict.fromkeys(("AC", "AM", "AP", "PA", "RO", "RR", "TO"), NORTH),
    **dict.fromkeys(("AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"), NORTHEAST),
    **dict.fromkeys(("DF", "GO", "MS", "MT"), CENTER_WEST),
    **dict.fromkeys(("ES", "MG", "RJ", "SP"), SOUTHEAST),
    **dict.fromkeys(("PR", "RS", "SC"), SOUTH),
}


# Regions that share a border; any other pair of regions is "distant".
NEIGHBOURING_REGIONS: frozenset[frozenset[str]] = frozenset(frozenset(pair) for pair in (
    (NORTH, NORTHEAST), (NORTH, CENTER_WEST),
    (NORTHEAST, CENTER_WEST), (NORTHEAST, SOUTHEAST),
    (CENTER_WEST, SOUTHEAST), (CENTER_WEST, SOUTH),
    (SOUTHEAST, SOUTH),
))

SAME_STATE, SAME_REGION, NEIGHBOURING_REGION, DISTANT_REGION = 0, 1, 2, 3


def distance_band(*, origin_state: str, destination_state: str) -> int:
    """0 same state, 1 same region, 2 neighbouring regions, 3 distant regions."""
    if origin_state == destination_state:
        return SAME_STATE
    origin, destination = REGION_OF_STATE[origin_state], REGION_OF_STATE[destination_state]
    if origin == destination:
        return SAME_REGION
    if frozenset((origin, destination)) in NEIGHBOURING_REGIONS:
        return NEIGHBOURING_REGION
    return DISTANT_REGION
