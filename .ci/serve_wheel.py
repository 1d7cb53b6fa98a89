"""CI: the wheel, installed on its own, serves from any directory (no checkout needed).

Usage: python .ci/serve_wheel.py PATH/TO/consulta
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def main(consulta: str) -> None:
    with tempfile.TemporaryDirectory() as workdir, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
        env["CONSULTA_DATABASE_URL"] = f"sqlite:///{workdir}/wheel.db"
        server = subprocess.Popen([consulta, "serve", "--port", str(port)], cwd=workdir, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None:
                    sys.exit(f"consulta serve exited with {server.returncode}")
                time.sleep(0.2)
            else:
                sys.exit("the installed wheel's server never became ready")
            slugs = [c["slug"] for c in httpx.get(f"{base}/api/v1/consultations").json()["items"]]
            assert slugs == ["lacigf-2017"], slugs
            assert httpx.get(f"{base}/").status_code == 200
            home = httpx.get(f"{base}/", headers={"Accept-Language": "pt-BR"})
            assert '<html lang="pt"' in home.text, "the Portuguese catalogue is not installed"
            # Registering composes a mail from the package's mail templates.
            account = {
                "email": "wheel@example.org",
                "password": "a long enough password",
                "display_name": "Wheel",
                "stakeholder_group": "civil_society",
                "country": "PA",
            }
            registered = httpx.post(f"{base}/api/v1/accounts", json=account)
            assert registered.status_code == 201, registered.text
            print(f"the installed wheel serves, migrated and seeded, from {workdir}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1])
