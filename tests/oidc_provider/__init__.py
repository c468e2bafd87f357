"""A real OpenID Connect provider for the single sign-on tests: a small Django project of its own
(django-oauth-toolkit's OIDC support, SQLite), started as a separate process on a free port by the
`identity_provider` fixture (tests/accounts/conftest.py). The LMS talks to it over HTTP as to any
organisation's provider: discovery, authorisation with PKCE, token, JWKS, userinfo."""
