"""Single sign-on with OpenID Connect, tested against a minimal provider of our own.

What this proves: the settings turn single sign-on on from the environment only; the whole
authorisation-code flow works against a provider that behaves as the standard says (the
redirect with state and nonce, the code exchanged with the client secret, an RS256-signed ID
token checked against the provider's published keys, the userinfo call); a person is
recognised again by their subject; a forged token, a wrong secret and a replayed code let
nobody in; and without configuration there is no single sign-on at all.

What it does not prove: that a particular real provider (an organisation's Azure AD or
Keycloak, or a broker for DigiD or eHerkenning) is configured correctly, nor sign-out at the
provider or token refresh, which Dealmonitor does not use.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse

from dealmonitor import urls as project_urls

pytestmark = pytest.mark.django_db

CLIENT_ID = "dealmonitor-test"
CLIENT_SECRET = "een-geheim-van-de-test"


class FakeProvider:
    """An OpenID provider in a thread: /authorize, /token, /userinfo, /jwks."""

    def __init__(self, claims):
        self.claims = claims
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = self.key  # a test may swap in another key: a forged token
        self.codes = {}  # code -> (nonce, redirect_uri)
        self.tokens = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/authorize":
                    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                    assert "openid" in query["scope"].split()
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = (query.get("nonce"), query["redirect_uri"])
                    target = query["redirect_uri"] + "?" + urllib.parse.urlencode(
                        {"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    self._json(200, {"keys": [{**jwk, "kid": "test", "use": "sig", "alg": "RS256"}]})
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    self._json(200, provider.claims)
                else:
                    self._json(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path != "/token":
                    return self._json(404, {})
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(401, {"error": "invalid_client"})
                code = form.get("code")
                if code not in provider.codes:  # unknown or already used
                    return self._json(400, {"error": "invalid_grant"})
                nonce, redirect_uri = provider.codes.pop(code)
                if form.get("redirect_uri") != redirect_uri:
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = True
                id_token = jwt.encode(
                    {"iss": provider.url, "aud": CLIENT_ID, "sub": provider.claims["sub"],
                     "nonce": nonce, "iat": 1_700_000_000, "exp": 4_000_000_000},
                    provider.signing_key, algorithm="RS256", headers={"kid": "test"},
                )
                self._json(200, {"access_token": access, "id_token": id_token,
                                 "token_type": "Bearer", "expires_in": 300})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def settings(self):
        return {
            "OIDC_ENABLED": True,
            "OIDC_PROVIDER_NAME": "Testprovider",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email profile",
        }

    def authorize(self, location):
        """Follow the browser to the provider and back: the callback address with the code."""

        class Stop(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            urllib.request.build_opener(Stop).open(location, timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
            return exc.headers["Location"]
        raise AssertionError("the provider did not redirect back")


urlpatterns = [
    path("oidc/", include("mozilla_django_oidc.urls")),
    *project_urls.urlpatterns,
]

CLAIMS = {"sub": "a1b2c3-sub", "email": "j.jansen@gemeente.example", "given_name": "Jan",
          "family_name": "Jansen", "preferred_username": "jjansen"}


def _backends(settings):
    return [*settings.AUTHENTICATION_BACKENDS, "dealmonitor.accounts.oidc.SubjectOIDCBackend"]


def _sign_in(client, provider):
    start = client.get("/oidc/authenticate/?next=/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/authorize")
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["state"] and params["nonce"]
    back = urllib.parse.urlsplit(provider.authorize(start["Location"]))
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.urls(__name__)
def test_sign_in_through_the_provider_creates_an_account_without_roles(client, settings):
    from django.contrib.auth import get_user_model

    from dealmonitor.deals import rules

    with FakeProvider(CLAIMS) as provider, override_settings(
        AUTHENTICATION_BACKENDS=_backends(settings), **provider.settings()
    ):
        assert "Inloggen met Testprovider" in client.get(reverse("accounts:login")).content.decode()
        done = _sign_in(client, provider)
        assert done.status_code == 302 and done["Location"] == "/"
        user = get_user_model().objects.get(oidc_subject="a1b2c3-sub")
        assert client.session["_auth_user_id"] == str(user.pk)
        assert (user.username, user.email, user.first_name) == ("jjansen", CLAIMS["email"], "Jan")
        assert not user.has_usable_password()
        assert not rules.is_programme_admin(user) and not rules.is_evaluator(user)
        assert not user.deal_memberships.exists()

        # Again, after signing out: the same account, found by its subject; a new address is
        # taken over.
        client.logout()
        provider.claims = {**CLAIMS, "email": "jan.jansen@gemeente.example"}
        assert _sign_in(client, provider).status_code == 302
        assert get_user_model().objects.count() == 1
        assert get_user_model().objects.get().email == "jan.jansen@gemeente.example"


@pytest.mark.urls(__name__)
def test_a_forged_token_a_wrong_secret_or_a_used_code_lets_nobody_in(client, settings):
    from django.contrib.auth import get_user_model

    with FakeProvider(CLAIMS) as provider:
        with override_settings(AUTHENTICATION_BACKENDS=_backends(settings), **provider.settings()):
            provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            forged = _sign_in(client, provider)  # refused as a suspicious request
            assert "_auth_user_id" not in client.session and forged.status_code == 400
            provider.signing_key = provider.key
        with override_settings(AUTHENTICATION_BACKENDS=_backends(settings),
                               **{**provider.settings(), "OIDC_RP_CLIENT_SECRET": "fout"}):
            refused = _sign_in(client, provider)  # back to the sign-in page, no error page
            assert "_auth_user_id" not in client.session
            assert refused.status_code == 302 and "inloggen" in refused["Location"]
            told = client.get(refused["Location"]).content.decode()
            assert 'id="sso-failed"' in told
        with override_settings(AUTHENTICATION_BACKENDS=_backends(settings), **provider.settings()):
            start = client.get("/oidc/authenticate/")
            back = urllib.parse.urlsplit(provider.authorize(start["Location"]))
            assert client.get(f"{back.path}?{back.query}").status_code == 302
            assert "_auth_user_id" in client.session
            client.logout()
            fresh = client.get("/oidc/authenticate/")  # a new state in the session...
            state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(fresh["Location"]).query))["state"]
            used_code = dict(urllib.parse.parse_qsl(back.query))["code"]
            replay = client.get(f"{back.path}?code={used_code}&state={state}")  # ...the used code
            assert "_auth_user_id" not in client.session
            assert replay.status_code == 302 and "inloggen" in replay["Location"]
    assert get_user_model().objects.count() == 1


def test_without_configuration_there_is_no_single_sign_on(client):
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/oidc/authenticate/").status_code == 404
    assert 'id="sso"' not in client.get(reverse("accounts:login")).content.decode()


def test_the_environment_turns_single_sign_on_on():
    """The settings read the configuration from the environment, and nothing else."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import reverse\n"
        "print(settings.OIDC_ENABLED, settings.OIDC_RP_CLIENT_SECRET,"
        " 'dealmonitor.accounts.oidc.SubjectOIDCBackend' in settings.AUTHENTICATION_BACKENDS,"
        " reverse('oidc_authentication_init'), reverse('oidc_authentication_callback'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci",
        "OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": "uit-de-omgeving",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.example/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example/token",
        "OIDC_OP_USER_ENDPOINT": "https://sso.example/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://sso.example/jwks",
    })
    on = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert on.stdout.split() == ["True", "uit-de-omgeving", "True", "/oidc/authenticate/",
                                 "/oidc/callback/"], on.stderr
    del env["OIDC_OP_TOKEN_ENDPOINT"]  # a half configuration is refused, not ignored
    half = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert half.returncode != 0 and "OIDC_OP_TOKEN_ENDPOINT" in half.stderr
