"""The answer of an idempotent create."""

from common.responses import created_or_replayed


def test_the_first_create_is_201_and_a_replay_200_with_the_same_body():
    first = created_or_replayed({"reference": "r-1"}, created=True)
    again = created_or_replayed({"reference": "r-1"}, created=False)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.data == again.data == {"reference": "r-1"}
