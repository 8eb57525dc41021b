"""Helpers for the API tests: keys and credentials."""

from __future__ import annotations

from rest_framework.test import APIClient

from congress.apikeys import apikey_create, personal_token_issue


def client_key(user, scopes=(), **kwargs) -> str:
    """Create a client key acting as `user` with `scopes`; return its plain text."""
    _key, plain = apikey_create(user=user, name="test key", actor=None, scopes=scopes, **kwargs)
    return plain


def personal_token(user) -> str:
    _key, plain = personal_token_issue(user=user)
    return plain


def as_key(api: APIClient, plain: str) -> APIClient:
    api.credentials(HTTP_AUTHORIZATION=f"Token {plain}")
    return api


def as_person(api: APIClient, user) -> APIClient:
    return as_key(api, personal_token(user))
