"""What schemathesis needs to know of Parley's document that JSON Schema does not say.

Loaded by the contract test (test/contract.e2e-spec.ts) through schemathesis.toml.
"""

import base64
import json
import threading

import schemathesis
from hypothesis import strategies as st
from hypothesis.internal import lambda_sources


def _cursor(position: dict) -> str:
    """A page cursor as the apps write one: their position as JSON, in base64url."""
    text = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


# `format: cursor` is a position in a list that only a page of it hands out; any other string is
# a 400 (which the negative tests still see). Each list reads the keys it needs of a position (a
# time and an id, a sequence number, or an id) and ignores the rest, so one with all of them is a
# cursor of every list, at some point of it.
schemathesis.openapi.format(
    "cursor",
    st.fixed_dictionaries(
        {
            "t": st.integers(min_value=0, max_value=4_102_444_800_000),
            "id": st.text(alphabet="0123456789abcdef", min_size=24, max_size=24),
            "s": st.integers(min_value=0, max_value=10**9),
        }
    ).map(_cursor),
)


# CPython 3.11 can fail an ast.parse that two threads run at once ("SystemError: AST constructor
# recursion depth mismatch", gh-106905). Hypothesis parses the source of lambdas to describe its
# strategies, and the two workers do so together now and then: a run error that says nothing of the
# API. One description at a time, then.
_describe_lambda = lambda_sources.lambda_description
_one_parse_at_a_time = threading.Lock()


def _lambda_description(function):
    with _one_parse_at_a_time:
        return _describe_lambda(function)


lambda_sources.lambda_description = _lambda_description
