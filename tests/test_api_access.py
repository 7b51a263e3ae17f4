"""Access to the partner API: keys made in the admin, per-minute limits counted atomically in
Redis (per key, else per address), 401 for bad keys, 429 with Retry-After, and CORS."""

import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from claims.api.keys import hash_key, revoke_keys
from claims.api.throttling import WINDOW, hit
from claims.models import ApiKey

from .factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/"
KEY_PATTERN = re.compile(r"[0-9a-f]{12}\.[A-Za-z0-9_-]{43}")


def make_key(**fields):
    """A key as the admin makes it: the row, and the full key shown once."""
    from claims.api.keys import new_key

    api_key = ApiKey(name="Partenaire", **fields)
    key = new_key(api_key)
    api_key.save()
    return api_key, key


def away_from_window_end(margin=8):
    """Fixed windows: a burst must not straddle two of them, or it would rightly get twice."""
    left = WINDOW - time.time() % WINDOW
    if left < margin:
        time.sleep(left + 0.1)


def get(client, key=None, ip="203.0.113.7", **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return client.get(URL, REMOTE_ADDR=ip, **headers)


class TestKeysInTheAdmin:
    def test_the_key_is_shown_once_and_only_its_hash_is_stored(self, client):
        staff = StaffFactory()
        client.force_login(staff)
        response = client.post(
            "/admin/claims/apikey/add/", {"name": "Agence", "rate_per_minute": 900}, follow=True
        )
        assert response.status_code == 200
        [key] = KEY_PATTERN.findall(response.content.decode())
        api_key = ApiKey.objects.get()
        assert (api_key.name, api_key.rate_per_minute, api_key.created_by) == ("Agence", 900, staff)
        assert key.startswith(api_key.prefix + ".")
        assert api_key.hashed_key == hash_key(key) != key
        assert key.partition(".")[2] not in str(ApiKey.objects.values().get())
        # Never again: not on the change page, not in the list.
        for url in [f"/admin/claims/apikey/{api_key.pk}/change/", "/admin/claims/apikey/"]:
            page = client.get(url).content.decode()
            assert api_key.prefix in page
            assert key not in page
        assert get(client, key).status_code == 200

    def test_the_default_rate_comes_from_the_settings(self, client, settings):
        settings.API_KEY_RATE = 1234
        client.force_login(StaffFactory())
        assert 'value="1234"' in client.get("/admin/claims/apikey/add/").content.decode()

    def test_staff_revoke_keys_and_cannot_delete_them(
        self, client, django_capture_on_commit_callbacks
    ):
        api_key, key = make_key()
        assert get(client, key).status_code == 200  # this process now knows the key
        client.force_login(StaffFactory())
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/admin/claims/apikey/",
                {"action": "revoke", "_selected_action": [api_key.pk]},
                follow=True,
            )
        api_key.refresh_from_db()
        assert api_key.revoked_at is not None
        assert client.get(f"/admin/claims/apikey/{api_key.pk}/delete/").status_code == 403
        assert get(client, key).status_code == 401


class TestKeys:
    def test_a_key_gets_its_own_higher_limit(self, client, settings):
        settings.API_ANON_RATE = 2
        _api_key, key = make_key(rate_per_minute=5)
        away_from_window_end()
        assert [get(client).status_code for _ in range(3)] == [200, 200, 429]
        assert [get(client, key).status_code for _ in range(6)] == [200] * 5 + [429]

    def test_each_key_counts_apart_whatever_the_address(self, client):
        _a, key_a = make_key(rate_per_minute=2)
        _b, key_b = make_key(rate_per_minute=2)
        away_from_window_end()
        assert get(client, key_a, ip="198.51.100.1").status_code == 200
        assert get(client, key_a, ip="198.51.100.2").status_code == 200
        assert get(client, key_a, ip="198.51.100.3").status_code == 429
        assert get(client, key_b, ip="198.51.100.3").status_code == 200

    @pytest.mark.parametrize(
        "header",
        [
            "Api-Key 0123456789ab.not-the-secret",
            "Api-Key nonsense",
            "Api-Key ",
            "Bearer whatever",
        ],
    )
    def test_an_invalid_key_is_refused_not_read_as_anonymous(self, client, header):
        make_key()
        response = client.get(URL, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Api-Key"
        assert response.json()["error"]["code"] == "invalid_api_key"
        assert "Api-Key" in response.json()["error"]["message"]

    @pytest.mark.parametrize(
        "key",
        ["abc\x00.def", "\x00", "a" * 5000 + ".x", "{prefix}.{secret}\x00", "{prefix}.x"],
    )
    @pytest.mark.parametrize("revalidating", [False, True])
    def test_a_key_not_in_the_key_format_is_invalid_before_any_query(
        self, client, django_assert_num_queries, key, revalidating
    ):
        """A NUL byte made PostgreSQL fail (500); a 304 or kept answer checks the key too."""
        api_key, real = make_key()
        headers = {"HTTP_IF_NONE_MATCH": get(client)["ETag"]} if revalidating else {}
        key = key.format(prefix=api_key.prefix, secret=real.partition(".")[2])
        with django_assert_num_queries(0):
            response = get(client, key, **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key"

    def test_a_right_prefix_with_a_wrong_secret_is_invalid(self, client):
        api_key, key = make_key()
        response = get(client, f"{api_key.prefix}.{'x' * 43}")
        assert response.json()["error"]["code"] == "invalid_api_key"

    def test_a_revoked_key_is_refused(self, client):
        api_key, key = make_key(revoked_at=timezone.now())
        response = get(client, key, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "revoked_api_key",
            "message": "This API key has been revoked.",
            "details": {},
        }

    def test_a_revoked_key_gets_no_304_either(self, client, django_capture_on_commit_callbacks):
        api_key, key = make_key()
        etag = get(client, key)["ETag"]
        assert get(client, key, HTTP_IF_NONE_MATCH=etag).status_code == 304
        with django_capture_on_commit_callbacks(execute=True):
            assert revoke_keys(ApiKey.objects.filter(pk=api_key.pk)) == 1
        assert get(client, key, HTTP_IF_NONE_MATCH=etag).status_code == 401

    def test_last_use_is_written_at_most_once_a_minute(self, client, django_assert_num_queries):
        api_key, key = make_key()
        get(client, key)
        api_key.refresh_from_db()
        first = api_key.last_used_at
        assert first is not None
        with django_assert_num_queries(1):  # the ratings: the key is remembered, no UPDATE
            get(client, key)
        api_key.refresh_from_db()
        assert api_key.last_used_at == first

    def test_a_known_key_costs_no_query_until_a_key_changes(
        self, client, settings, django_assert_num_queries, django_capture_on_commit_callbacks
    ):
        away_from_window_end()
        api_key, key = make_key(rate_per_minute=1000)
        etag = get(client, key)["ETag"]
        with django_assert_num_queries(0):
            assert get(client, key, HTTP_IF_NONE_MATCH=etag).status_code == 304
        # A change to any key (here its limit, in the admin) makes every process look again.
        client.force_login(StaffFactory())
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/admin/claims/apikey/{api_key.pk}/change/",
                {"name": api_key.name, "rate_per_minute": 1},
            )
        client.logout()
        assert get(client, key).status_code == 429  # its one request this minute was the first


class TestLimits:
    def test_anonymous_clients_are_limited_per_address(self, client, settings):
        settings.API_ANON_RATE = 3
        away_from_window_end()
        assert [get(client, ip="192.0.2.1").status_code for _ in range(4)] == [200] * 3 + [429]
        assert get(client, ip="192.0.2.2").status_code == 200

    def test_ipv6_clients_are_counted_per_64(self, client, settings):
        settings.API_ANON_RATE = 1
        away_from_window_end()
        assert get(client, ip="2001:db8:1:2::1").status_code == 200
        assert get(client, ip="2001:db8:1:2::ffff").status_code == 429
        assert get(client, ip="2001:db8:1:3::1").status_code == 200

    def test_behind_a_proxy_the_address_comes_from_the_configured_header(self, client, settings):
        settings.API_ANON_RATE = 1
        settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
        away_from_window_end()
        assert get(client, HTTP_X_REAL_IP="192.0.2.10").status_code == 200
        assert get(client, HTTP_X_REAL_IP="192.0.2.10").status_code == 429
        assert get(client, HTTP_X_REAL_IP="192.0.2.11").status_code == 200

    @pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script"])
    def test_the_schema_and_its_docs_page_are_limited_and_keyed_as_the_api(
        self, client, settings, url
    ):
        settings.API_ANON_RATE = 2
        _api_key, key = make_key(rate_per_minute=3)
        away_from_window_end()
        codes = [client.get(url, REMOTE_ADDR="192.0.2.20").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        keyed = [client.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}") for _ in range(4)]
        assert [response.status_code for response in keyed] == [200] * 3 + [429]
        assert keyed[-1].json()["error"]["code"] == "throttled"
        # No other scheme is read there either: a password (Basic) is refused, never tried.
        refused = client.get(url, HTTP_AUTHORIZATION="Basic Ym9zczpzM2NyZXQ=")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_api_key"

    def test_429_has_retry_after_and_the_json_error(self, client, settings):
        settings.API_ANON_RATE = 1
        away_from_window_end()
        get(client)
        response = get(client, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= WINDOW
        error = response.json()["error"]
        assert error["code"] == "throttled"
        assert error["details"]["wait"] == int(response["Retry-After"])
        assert error["message"]

    def test_the_counter_never_lets_a_concurrent_burst_past_the_limit(self):
        away_from_window_end()
        barrier = threading.Barrier(50)

        def burst(_):
            barrier.wait()
            return sum(hit("ip:burst", 100) is None for _ in range(20))

        with ThreadPoolExecutor(50) as pool:
            allowed = sum(pool.map(burst, range(50)))
        assert allowed == 100

    def test_a_window_s_counter_expires_just_after_the_window(self, settings):
        import redis

        hit("ip:expiry", 10)
        hit("ip:expiry", 10)  # the second request must not push the expiry back
        window = int(time.time() // WINDOW)
        key = f"{settings.API_RATE_KEY_PREFIX}:ip:expiry:{window}"
        ttl = redis.Redis.from_url(settings.REDIS_URL).ttl(key)
        assert 0 < ttl <= WINDOW + 5

    def test_counting_goes_on_after_redis_forgets_its_scripts(self, settings):
        import redis

        assert hit("ip:flushed", 2) is None
        redis.Redis.from_url(settings.REDIS_URL).script_flush()  # as after a Redis restart
        assert hit("ip:flushed", 2) is None
        assert hit("ip:flushed", 2) is not None


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_on_a_live_server_gets_exactly_the_limit(live_server, settings):
    settings.API_ANON_RATE = 10
    away_from_window_end(margin=15)
    barrier = threading.Barrier(30)

    def fetch(_):
        barrier.wait()
        statuses = []
        for _ in range(2):
            try:
                with urllib.request.urlopen(live_server.url + URL, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code == 429:
                    assert error.headers["Retry-After"]
        return statuses

    with ThreadPoolExecutor(30) as pool:
        statuses = [status for result in pool.map(fetch, range(30)) for status in result]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 50


class TestCors:
    def test_a_get_from_another_origin_may_be_read(self, client):
        response = client.get(URL, HTTP_ORIGIN="https://partner.example")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        exposed = response["Access-Control-Expose-Headers"].lower()
        assert {"etag", "last-modified", "retry-after"} <= set(exposed.replace(" ", "").split(","))
        assert "Access-Control-Allow-Credentials" not in response

    def test_a_preflight_allows_get_with_the_key_header_and_nothing_else(self, client):
        response = client.options(
            URL,
            HTTP_ORIGIN="https://partner.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
        )
        methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
        assert methods == {"GET", "HEAD", "OPTIONS"}  # so the browser will not send the POST
        assert "authorization" in response["Access-Control-Allow-Headers"]
        assert client.post(URL, HTTP_ORIGIN="https://partner.example").status_code == 405

    @pytest.mark.parametrize("url", ["/fr/", "/admin/login/"])
    def test_public_pages_and_the_admin_send_no_cors_header(self, client, url):
        response = client.get(url, HTTP_ORIGIN="https://partner.example")
        assert response.status_code == 200
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
        preflight = client.options(
            url, HTTP_ORIGIN="https://partner.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]
