"""A mini-program stand-in: a plain HTTP client in its own process (standard library only).

Usage: python headless_client.py BASE_URL PHONE PASSWORD
Signs in through allauth's headless app API, then reads `me` and its units over GraphQL
with the session token. Prints one JSON document; exits non-zero on any failure.
"""

import json
import sys
import urllib.error
import urllib.request


def post(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode() or "{}")


def main() -> int:
    base, phone, password = sys.argv[1:4]
    status, login = post(f"{base}/_allauth/app/v1/auth/login", {"phone": phone, "password": password})
    token = login.get("meta", {}).get("session_token")
    if status != 200 or not token:
        print(json.dumps({"step": "login", "status": status, "body": login}, ensure_ascii=False))
        return 1
    query = """
      query { me { maskedPhone displayName
                   units { label communityCode area role verified } } }
    """
    status, result = post(f"{base}/graphql/", {"query": query}, headers={"X-Session-Token": token})
    print(json.dumps({"step": "graphql", "status": status, "token_length": len(token), "result": result},
                     ensure_ascii=False))
    return 0 if status == 200 and not result.get("errors") else 1


if __name__ == "__main__":
    sys.exit(main())
