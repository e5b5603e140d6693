"""The inputs the runs work on: fresh copies of the sample IS_HOME, the fleet with its real-sized
key stores (made once and kept), and the JKS store listed against keytool."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .settings import (CATALINA, FLEET_STORES, FLEET_STORES_RECIPE, FLEET_TRUSTED_CAS, ROOT, SAMPLE,
                       TRUSTSTORE_PASSWORD, TRUSTSTORE_TRUSTED)


@dataclass
class StoreSetting:
    relative: str  # the store's path below IS_HOME
    password: str


def connector_stores() -> dict[str, StoreSetting]:
    """The key store and trust store the sample's HTTPS connector names, with their passwords: the
    fleet's stores go where the connector looks and open with what it says."""
    root = ET.parse(ROOT / SAMPLE / CATALINA).getroot()
    connector = next(c for c in root.iter("Connector") if c.get("port") == "9443")
    prefix = "${carbon.home}/"
    stores = {}
    for purpose, file_attribute, pass_attribute in (("keystore", "keystoreFile", "keystorePass"),
                                                    ("truststore", "truststoreFile", "truststorePass")):
        path, password = connector.get(file_attribute), connector.get(pass_attribute)
        if path is None or password is None or not path.startswith(prefix):
            sys.exit(f"bench: {SAMPLE}/{CATALINA}: the HTTPS connector has no {file_attribute} under ${{carbon.home}} "
                     f"with a {pass_attribute}; the fleet's stores would not be the ones it names")
        stores[purpose] = StoreSetting(path[len(prefix):], password)
    return stores


def fleet_stores(binary: str) -> dict[str, Path]:
    """The fleet's key store and trust store, made the first time (minutes: keytool starts
    a JVM per certificate) and then reused while the recipe is unchanged."""
    stores = connector_stores()
    made = {purpose: FLEET_STORES / Path(setting.relative).name for purpose, setting in stores.items()}
    stamp = FLEET_STORES / "recipe"
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == FLEET_STORES_RECIPE
            and all(path.is_file() for path in made.values())):
        keytool, openssl = shutil.which("keytool"), shutil.which("openssl")
        if keytool is None or openssl is None:
            sys.exit("bench: the fleet's stores are made with keytool and openssl; install a JDK (keytool) and openssl")
        shutil.rmtree(FLEET_STORES, ignore_errors=True)
        FLEET_STORES.mkdir(parents=True)
        print(f"bench: making the fleet's stores in {FLEET_STORES.relative_to(ROOT)} "
              f"(a key pair, {FLEET_TRUSTED_CAS} CA certificates) ...", flush=True)
        fast_jvm = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"]
        key, trust = stores["keystore"], stores["truststore"]
        subprocess.run([keytool, *fast_jvm, "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048",
                        "-dname", "CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US", "-validity", "3650",
                        "-keystore", str(made["keystore"]), "-storetype", "JKS",
                        "-storepass", key.password, "-keypass", key.password], check=True, capture_output=True)
        with tempfile.TemporaryDirectory(prefix="isconf-bench-cas-") as scratch:
            for i in range(FLEET_TRUSTED_CAS):
                pem = f"{scratch}/ca-{i}.pem"
                subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{scratch}/ca-{i}.key",
                                "-out", pem, "-days", "3650", "-sha256",
                                "-subj", f"/C=US/O=Bench Trust Services {i}/OU=Certification Authorities/CN=Bench Root CA {i}"],
                               check=True, capture_output=True)
                subprocess.run([keytool, *fast_jvm, "-importcert", "-noprompt", "-alias", f"benchrootca{i}", "-file", pem,
                                "-keystore", str(made["truststore"]), "-storetype", "JKS", "-storepass", trust.password],
                               check=True, capture_output=True)
        stamp.write_text(FLEET_STORES_RECIPE, encoding="utf-8")
    check_fleet_stores(binary, made, stores)
    return made


def check_fleet_stores(binary: str, made: dict[str, Path], stores: dict[str, StoreSetting]) -> None:
    """The stores must open with the connector's passwords and hold what they should, or the fleet
    would time isconf failing on them."""
    for purpose, want in (("keystore", ["PrivateKeyEntry"]), ("truststore", ["trustedCertEntry"] * FLEET_TRUSTED_CAS)):
        proc = subprocess.run([binary, "truststore", "list", "--keystore", str(made[purpose]),
                               "--storepass", stores[purpose].password, "--format", "json"],
                              cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        kinds = [e["type"] for e in json.loads(proc.stdout)["entries"]] if proc.returncode == 0 else []
        if kinds != want:
            sys.exit(f"bench: the fleet's {purpose} {made[purpose]} holds {len(kinds)} entries {sorted(set(kinds))}, expected "
                     f"{len(want)} {want[0]}; delete {FLEET_STORES} to make it again\n{proc.stderr.strip()}")


def make_fleet(count: int, stores: dict[str, Path]) -> str:
    """`count` copies of the sample IS_HOME, each with the same real-sized key store and trust
    store in the places its connector names."""
    fleet = tempfile.mkdtemp(prefix="isconf-bench-")
    settings = connector_stores()
    for i in range(count):
        home = Path(fleet) / f"home-{i:04d}"
        shutil.copytree(ROOT / SAMPLE, home)
        for purpose, store in stores.items():
            shutil.copyfile(store, home / settings[purpose].relative)
    return fleet


def make_homes(parent: str, prefix: str, count: int) -> list[str]:
    """Fresh copies of the sample IS_HOME, one per run that edits, made before any timing."""
    homes = [str(Path(parent) / f"{prefix}-{i:04d}") for i in range(count)]
    for home in homes:
        shutil.copytree(ROOT / SAMPLE, home)
    return homes


def make_listing_store(keytool: str, scratch: str) -> str:
    """A JKS store like an IS client-truststore.jks (a key pair and TRUSTSTORE_TRUSTED trusted
    certificates), made with keytool and openssl in `scratch`; returns its path."""
    store = f"{scratch}/client-truststore.jks"
    common = ["-keystore", store, "-storepass", TRUSTSTORE_PASSWORD, "-storetype", "jks"]
    subprocess.run([keytool, "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=localhost, O=WSO2", "-validity", "365", "-keypass", TRUSTSTORE_PASSWORD, *common],
                   check=True, capture_output=True)
    for i in range(TRUSTSTORE_TRUSTED):
        pem = f"{scratch}/client-{i}.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{scratch}/k{i}.pem",
                        "-out", pem, "-subj", f"/CN=client {i}/O=Bench", "-days", "30"], check=True, capture_output=True)
        subprocess.run([keytool, "-importcert", "-noprompt", "-alias", f"client-{i}", "-file", pem, *common],
                       check=True, capture_output=True)
    return store
