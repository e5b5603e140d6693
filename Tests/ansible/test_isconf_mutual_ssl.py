"""The module isconf_mutual_ssl of the collection wso2ops.isconf (conf-samples/ansible, built and
installed with ansible-galaxy into a temporary folder once per session) and the sample playbook,
driven through real ansible-core (ansible-playbook, ansible, ansible-doc, ansible-inventory from
the venv this runs in) with `-c local` against temporary copies of conf-samples/is-home.

Run: ISCONF_BIN=$PWD/.build/debug/isconf .venv-ansible/bin/python -m pytest -q Tests/ansible
(`make test` does it after the Swift tests; scripts/setup.sh creates .venv-ansible.)
"""

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_HOME = REPO / "conf-samples" / "is-home"
SAMPLE_HOME_7_3 = REPO / "conf-samples" / "is-home-7.3"
ANSIBLE_DIR = REPO / "conf-samples" / "ansible"
MODULE = "wso2ops.isconf.isconf_mutual_ssl"
PLAYBOOK = ANSIBLE_DIR / "playbook.yml"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
CATALINA = Path("repository/conf/tomcat/catalina-server.xml")
AUTHENTICATORS = Path("repository/conf/security/authenticators.xml")
TRUST_STORE = Path("repository/resources/security/client-truststore.jks")
# The sample IS_HOME's trust store password (its catalina-server.xml gives it) and its client CA's SHA-1.
SAMPLE_TRUSTSTORE_PASSWORD = "sample-truststore-secret"
SAMPLE_CA_SHA1 = "B2:4A:D8:D6:22:56:07:03:80:1B:8B:A5:C1:A5:24:82:BB:B0:AE:83"
DEPLOYMENT_TOML = Path("repository/conf/deployment.toml")
# The venv's own scripts (not resolved: the venv's bin folder is where they are).
VENV_BIN = Path(sys.executable).parent


def isconf_bin():
    path = Path(os.environ.get("ISCONF_BIN", ".build/debug/isconf"))
    if not path.is_absolute():
        path = REPO / path
    return path


@pytest.fixture(scope="session")
def isconf():
    path = isconf_bin()
    assert path.is_file() and os.access(path, os.X_OK), (
        "no isconf binary at %s: build it (swift build) or set ISCONF_BIN" % path
    )
    return str(path)


def tool(name):
    path = VENV_BIN / name
    assert path.exists(), "%s is not in %s: run scripts/setup.sh (it creates .venv-ansible)" % (name, VENV_BIN)
    return str(path)


def build_and_install_collection(work):
    """`ansible-galaxy collection build` of conf-samples/ansible, then `ansible-galaxy collection
    install` of the artifact into work/collections; returns that folder (for ANSIBLE_COLLECTIONS_PATH)."""
    e = dict(os.environ, ANSIBLE_HOME=str(work / "ansible-home"), ANSIBLE_CONFIG=str(work / "none.cfg"))
    built = subprocess.run([tool("ansible-galaxy"), "collection", "build", str(ANSIBLE_DIR), "--output-path", str(work)],
                           env=e, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (artifact,) = work.glob("wso2ops-isconf-*.tar.gz")
    collections = work / "collections"
    installed = subprocess.run([tool("ansible-galaxy"), "collection", "install", str(artifact), "-p", str(collections)],
                               env=e, capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return collections


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    return build_and_install_collection(tmp_path_factory.mktemp("collection"))


@pytest.fixture
def env(tmp_path, collections_path):
    """Ansible's environment: its state in the test's folder, the installed collection, no colour."""
    home = tmp_path / "ansible-home"
    home.mkdir()
    e = dict(os.environ)
    for key in list(e):
        if key.startswith("ANSIBLE_"):
            del e[key]
    e.update(
        ANSIBLE_HOME=str(home),
        ANSIBLE_LOCAL_TEMP=str(home / "tmp"),
        ANSIBLE_REMOTE_TMP=str(home / "remote-tmp"),
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"),  # never the caller's ansible.cfg
    )
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    return e


def make_home(tmp_path, name="is-home"):
    dest = tmp_path / name
    shutil.copytree(SAMPLE_HOME, dest, symlinks=True)
    return dest


def snapshot(home):
    """Every file of an IS_HOME with its bytes."""
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def write_inventory(tmp_path, hosts):
    """hosts: {alias: {var: value}}; every host is localhost over the local connection."""
    lines = ["[wso2is]"]
    for alias, hostvars in hosts.items():
        pairs = " ".join("%s=%s" % (k, ini_value(v)) for k, v in hostvars.items())
        lines.append("%s %s" % (alias, pairs))
    lines += ["", "[wso2is:vars]", "ansible_connection=local", "ansible_python_interpreter=%s" % sys.executable]
    path = tmp_path / "inventory.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def ini_value(value):
    value = str(value)
    return '"%s"' % value if re.search(r"\s", value) else value


def run(cmd, env, cwd, timeout=300):
    proc = subprocess.run(cmd, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout)
    return proc


def playbook_json(tmp_path, env, playbook, inventory, *extra):
    """Runs ansible-playbook; returns (process, the results the recording callback wrote)."""
    record = tmp_path / "record.json"
    if record.exists():
        record.unlink()
    e = dict(env, ISCONF_RECORD=str(record), ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
             ANSIBLE_CALLBACKS_ENABLED="isconf_record")
    proc = run([tool("ansible-playbook"), "-c", "local", "-i", str(inventory), str(playbook)] + list(extra), e, tmp_path)
    assert record.exists(), "ansible-playbook recorded nothing (rc %d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return proc, json.loads(record.read_text())


def task_results(data, task_name):
    """{host: result} of the task with this name."""
    for task in data["tasks"]:
        if task["name"] == task_name:
            return task["hosts"]
    raise AssertionError("no task %r in %s" % (task_name, [t["name"] for t in data["tasks"]]))


def one_task_playbook(tmp_path, args, name="isconf"):
    play = [{
        "name": "isconf_mutual_ssl",
        "hosts": "wso2is",
        "gather_facts": False,
        "tasks": [{"name": name, MODULE: args}],
    }]
    path = tmp_path / "play.yml"
    path.write_text(json.dumps(play, indent=2))  # JSON is YAML
    return path


def module(tmp_path, env, args, *extra, host="node"):
    """Runs the module once on one localhost alias; returns (playbook exit status, the task's result)."""
    inventory = write_inventory(tmp_path, {host: {}})
    proc, data = playbook_json(tmp_path, env, one_task_playbook(tmp_path, args), inventory, *extra)
    return proc.returncode, task_results(data, "isconf")[host]


# ---------------------------------------------------------------------------------------------
# state: enabled


def test_first_run_reports_changed_and_fixes_both_files(tmp_path, env, isconf):
    home = make_home(tmp_path)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf})
    assert rc == 0, result
    assert result["changed"] is True
    assert not result.get("failed")
    by_path = {Path(f["path"]).relative_to(home): f for f in result["files"]}
    assert set(by_path) == {CATALINA, AUTHENTICATORS}
    assert by_path[CATALINA]["changed"] and by_path[CATALINA]["written"]
    assert by_path[CATALINA]["rules_fixed"] == ["client-auth-want"]
    assert by_path[AUTHENTICATORS]["rules_fixed"] == ["mutual-ssl-authenticator"]
    assert "mutual SSL enabled: 2 files changed" in result["msg"]
    catalina = (home / CATALINA).read_text()
    assert 'clientAuth="want"' in catalina and 'clientAuth="false"' not in catalina
    authenticators = (home / AUTHENTICATORS).read_text()
    assert '<Authenticator name="MutualSSLAuthenticator" disabled="false">' in authenticators
    assert "<!--Authenticator" not in authenticators
    # backups of both originals, as isconf keeps them
    for f in by_path.values():
        assert Path(f["backup"]).is_file()
        assert str(Path(f["backup"])).startswith(str(home / "backup" / "isconf"))
    # what lint still finds after enabling: the whitelist is off (a warning isconf cannot decide)
    assert [(x["rule"], x["severity"]) for x in result["findings"]] == [("whitelist", "warning")]
    assert "diff" not in result  # no --diff, no diff


def test_second_run_reports_not_changed(tmp_path, env, isconf):
    home = make_home(tmp_path)
    args = {"is_home": str(home), "binary": isconf}
    rc, first = module(tmp_path, env, args)
    assert rc == 0 and first["changed"] is True
    after_first = snapshot(home)
    rc, second = module(tmp_path, env, args)
    assert rc == 0, second
    assert second["changed"] is False
    assert second["msg"].startswith("already compliant")
    assert all(not f["changed"] and not f["written"] for f in second["files"])
    assert snapshot(home) == after_first  # same bytes, and no new backup


def test_check_diff_shows_the_diff_and_changes_nothing(tmp_path, env, isconf):
    home = make_home(tmp_path)
    before = snapshot(home)
    inventory = write_inventory(tmp_path, {"node": {}})
    playbook = one_task_playbook(tmp_path, {"is_home": str(home), "binary": isconf})
    # the default callback prints the diff as a person sees it
    proc = run([tool("ansible-playbook"), "-c", "local", "-i", str(inventory), str(playbook), "--check", "--diff"], env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "--- a/repository/conf/tomcat/catalina-server.xml" in out
    assert '-                   clientAuth="false"' in out
    assert '+                   clientAuth="want"' in out
    assert "--- a/repository/conf/security/authenticators.xml" in out
    assert '-    <!--Authenticator name="MutualSSLAuthenticator" disabled="false">' in out
    assert '+    <Authenticator name="MutualSSLAuthenticator" disabled="false">' in out
    assert re.search(r"node\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0", out), out
    assert snapshot(home) == before  # nothing written, no backup folder
    assert not (home / "backup").exists()

    # and the result carries one diff per changed file, in the shape Ansible expects
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf}, "--check", "--diff")
    assert rc == 0 and result["changed"] is True
    assert [Path(d["before_header"]).relative_to(home) for d in result["diff"]] == [CATALINA, AUTHENTICATORS]
    assert all(d["before_header"] == d["after_header"] for d in result["diff"])
    assert result["diff"][0]["prepared"].startswith("--- a/repository/conf/tomcat/catalina-server.xml\n")
    assert all(not f["written"] for f in result["files"])
    assert "would change" in result["msg"]
    assert snapshot(home) == before


def test_check_mode_on_a_compliant_home_reports_not_changed(tmp_path, env, isconf):
    home = make_home(tmp_path)
    assert module(tmp_path, env, {"is_home": str(home), "binary": isconf})[0] == 0
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf}, "--check", "--diff")
    assert rc == 0 and result["changed"] is False
    assert "diff" not in result or result["diff"] == []


def test_diff_never_shows_passwords(tmp_path, env, isconf):
    """The raw files hold keystore passwords: only isconf's masked diff goes out, even at -vvv."""
    home = make_home(tmp_path)
    catalina = home / CATALINA
    text = catalina.read_text()
    # move clientAuth next to the passwords, so the diff's context lines hold them
    text = text.replace('                   clientAuth="false"\n', "")
    text = text.replace('                   keystorePass=', '                   clientAuth="false"\n                   keystorePass=')
    catalina.write_text(text)
    inventory = write_inventory(tmp_path, {"node": {}})
    playbook = one_task_playbook(tmp_path, {"is_home": str(home), "binary": isconf})
    proc = run([tool("ansible-playbook"), "-c", "local", "-i", str(inventory), str(playbook), "--diff", "-vvv"], env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert '+                   clientAuth="want"' in out
    assert 'keystorePass="********"' in out and 'truststorePass="********"' in out
    assert "sample-keystore-secret" not in out
    assert "sample-truststore-secret" not in out
    assert "<Server port=" not in out  # no whole file, before or after


def test_backup_false_keeps_no_backup(tmp_path, env, isconf):
    home = make_home(tmp_path)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "backup": False})
    assert rc == 0 and result["changed"] is True
    assert "--no-backup" in result["cmd"]
    assert not (home / "backup").exists()
    assert all("backup" not in f for f in result["files"])


def test_whitelist_and_username_header(tmp_path, env, isconf):
    home = make_home(tmp_path)
    thumbprint = SAMPLE_CA_SHA1  # of a certificate the sample trusts: no whitelist-thumbprint warning
    args = {"is_home": str(home), "binary": isconf, "whitelist": [thumbprint], "username_header": "X-User"}
    rc, result = module(tmp_path, env, args)
    assert rc == 0 and result["changed"] is True, result
    authenticators = (home / AUTHENTICATORS).read_text()
    assert '<Parameter name="WhiteListEnabled">true</Parameter>' in authenticators
    assert thumbprint.replace(":", "").lower() in authenticators
    assert '<Parameter name="UsernameHeader">X-User</Parameter>' in authenticators
    assert result["findings"] == []  # the whitelist is on now: nothing left to report
    rc, again = module(tmp_path, env, args)
    assert rc == 0 and again["changed"] is False


def test_fail_on_with_state_enabled(tmp_path, env, isconf):
    home = make_home(tmp_path)
    # check mode: the errors the planned change fixes do not count
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "fail_on": "error"}, "--check")
    assert rc == 0 and result["changed"] is True and not result.get("failed"), result
    # a real run: the whitelist warning is left, and fail_on=warning fails on it
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "fail_on": "warning"})
    assert rc != 0 and result["failed"] is True
    assert result["changed"] is True  # the files were enabled all the same
    assert 'clientAuth="want"' in (home / CATALINA).read_text()
    assert [f["rule"] for f in result["failing_findings"]] == ["whitelist"]
    assert "1 finding at or above warning" in result["msg"]


# ---------------------------------------------------------------------------------------------
# state: linted


def test_linted_fails_on_a_kernel_style_home_and_passes_after_enabling(tmp_path, env, isconf):
    home = make_home(tmp_path)
    before = snapshot(home)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted"})
    assert rc != 0 and result["failed"] is True
    assert result["changed"] is False
    assert sorted(f["rule"] for f in result["failing_findings"]) == ["client-auth-want", "mutual-ssl-authenticator"]
    assert "2 findings at or above error" in result["msg"]
    assert snapshot(home) == before  # linting changes nothing

    rc, enabled = module(tmp_path, env, {"is_home": str(home), "binary": isconf})
    assert rc == 0 and enabled["changed"] is True

    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted"})
    assert rc == 0, result
    assert result["changed"] is False and not result.get("failed")
    assert [f["rule"] for f in result["findings"]] == ["whitelist"]  # a warning, below fail_on=error
    assert "none at or above error" in result["msg"]


def test_linted_returns_the_findings(tmp_path, env, isconf):
    home = make_home(tmp_path)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted", "fail_on": "never"})
    assert rc == 0 and not result.get("failed"), result
    assert result["changed"] is False
    findings = {f["rule"]: f for f in result["findings"]}
    assert set(findings) == {"client-auth-want", "mutual-ssl-authenticator"}
    client_auth = findings["client-auth-want"]
    assert client_auth == {
        "rule": "client-auth-want",
        "severity": "error",
        "file": str(home / CATALINA),
        "line": 23,
        "column": 20,
        "message": 'clientAuth="false" on the HTTPS connector means no client certificate is requested, so mutual SSL cannot work',
        "hint": 'set clientAuth="want" on the Connector (run: isconf enable)',
        "fixable": True,
        "suppressed": None,
    }
    authenticator = findings["mutual-ssl-authenticator"]
    assert (authenticator["file"], authenticator["line"], authenticator["column"]) == (str(home / AUTHENTICATORS), 13, 5)
    assert "commented out" in authenticator["message"]
    assert result["summary"] == {"files": 2, "errors": 2, "warnings": 0, "notes": 0, "fixable": 2, "suppressed": 0}
    assert result["msg"] == "2 errors, 0 warnings, 0 notes in 2 files"


def test_linted_fail_on_warning_and_note(tmp_path, env, isconf):
    home = make_home(tmp_path)
    assert module(tmp_path, env, {"is_home": str(home), "binary": isconf})[0] == 0
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted", "fail_on": "warning"})
    assert rc != 0 and result["failed"] is True
    assert "authenticators.xml:17:8: warning: the whitelist is off" in result["msg"]
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted", "fail_on": "note"})
    assert rc != 0 and result["failed"] is True


# ---------------------------------------------------------------------------------------------
# failures: isconf's own message


def test_malformed_file_fails_the_task_with_the_parse_error(tmp_path, env, isconf):
    home = make_home(tmp_path)
    (home / AUTHENTICATORS).write_text("<Authenticators><x\n")
    before = snapshot(home)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf})
    assert rc != 0 and result["failed"] is True
    assert result["changed"] is False
    expected = "%s:2:1: malformed XML: a start tag that is not closed with > or />" % (home / AUTHENTICATORS)
    assert expected in result["msg"], result["msg"]
    assert result["rc"] == 2
    assert snapshot(home) == before  # the other file is left as it was too

    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": "linted"})
    assert rc != 0 and result["failed"] is True
    assert expected in result["msg"], result["msg"]


def test_missing_binary_fails(tmp_path, env):
    home = make_home(tmp_path)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": str(tmp_path / "no" / "isconf")})
    assert rc != 0 and result["failed"] is True
    assert result["msg"] == "isconf binary not found or not executable: %s" % (tmp_path / "no" / "isconf")
    # a bare name is looked up on PATH
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": "isconf-not-installed-here"})
    assert rc != 0 and result["failed"] is True
    assert "'isconf-not-installed-here' not found on PATH" in result["msg"]


def test_bad_is_home_fails_with_isconfs_message(tmp_path, env, isconf):
    rc, result = module(tmp_path, env, {"is_home": str(tmp_path / "nowhere"), "binary": isconf})
    assert rc != 0 and result["failed"] is True
    assert result["msg"] == "%s: no such file or directory" % (tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    for state in ("enabled", "linted"):
        rc, result = module(tmp_path, env, {"is_home": str(empty), "binary": isconf, "state": state})
        assert rc != 0 and result["failed"] is True
        # lint walks the folder for anything it reads; enable looks for IS_HOMEs only.
        assert result["msg"].startswith("%s: no IS_HOME" % empty), result["msg"]
        assert "here or in its subfolders" in result["msg"], result["msg"]


def test_isconf_usage_error_fails_with_its_message(tmp_path, env, isconf):
    home = make_home(tmp_path)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "whitelist": ["zz"]})
    assert rc != 0 and result["failed"] is True
    assert result["msg"] == 'Error: --whitelist: "zz" is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint'
    assert result["rc"] == 64


def make_is_5_9_home(tmp_path, name="is-home-7.3"):
    """A copy of conf-samples/is-home-7.3: deployment.toml as an older guide has it, with passwords."""
    dest = tmp_path / name
    shutil.copytree(SAMPLE_HOME_7_3, dest, symlinks=True)
    return dest


def test_is_5_9_home_gets_deployment_toml_edited(tmp_path, env, isconf):
    home = make_is_5_9_home(tmp_path)
    xml_before = {p: (home / p).read_bytes() for p in (CATALINA, AUTHENTICATORS)}
    args = {"is_home": str(home), "binary": isconf, "fail_on": "error"}

    # check mode: the TOML errors the planned change fixes do not fail the task
    rc, result = module(tmp_path, env, args, "--check", "--diff")
    assert rc == 0 and result["changed"] is True and not result.get("failed"), result
    assert [Path(f["path"]).relative_to(home) for f in result["files"]] == [DEPLOYMENT_TOML]
    diff = result["diff"][0]["prepared"]
    assert diff.startswith("--- a/repository/conf/deployment.toml\n")
    assert '-clientAuth = "want"' in diff and '-enable = "true"\n+enable = true' in diff
    assert "would change" in result["msg"]
    # The password value never appears (the store rules do name the file wso2carbon.p12).
    assert '\\"wso2carbon\\"' not in json.dumps(result) and "wso2carbon\\n" not in json.dumps(result)

    rc, result = module(tmp_path, env, args)
    assert rc == 0 and result["changed"] is True, result
    toml = (home / DEPLOYMENT_TOML).read_text()
    assert 'clientAuth' not in toml and toml.endswith("[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n")
    assert 'password = "wso2carbon"' in toml  # the rest as it was
    (entry,) = result["files"]
    assert entry["rules_fixed"] == ["toml-client-auth", "toml-enable-boolean"]
    assert Path(entry["backup"]).is_file()
    assert result["msg"].startswith("mutual SSL enabled: 1 file changed; it takes effect at the next start of the server")
    assert {p: (home / p).read_bytes() for p in (CATALINA, AUTHENTICATORS)} == xml_before

    after = snapshot(home)
    rc, again = module(tmp_path, env, args)
    assert rc == 0 and again["changed"] is False, again
    assert snapshot(home) == after

    # force_xml: the generated XML is edited instead, as before IS 5.9
    rc, forced = module(tmp_path, env, dict(args, force_xml=True, fail_on="never"))
    assert rc == 0 and forced["changed"] is True, forced
    assert "--force-xml" in forced["cmd"]
    assert {Path(f["path"]).relative_to(home) for f in forced["files"] if f["changed"]} == {CATALINA, AUTHENTICATORS}
    assert (home / DEPLOYMENT_TOML).read_text() == toml


def test_is_5_9_home_with_a_malformed_deployment_toml_fails(tmp_path, env, isconf):
    home = make_is_5_9_home(tmp_path)
    (home / DEPLOYMENT_TOML).write_text('[server]\nhostname = "localhost"\n[server]\n')
    before = snapshot(home)
    for state in ("enabled", "linted"):
        rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "state": state})
        assert rc != 0 and result["failed"] is True
        assert "%s:3:1: invalid TOML" % (home / DEPLOYMENT_TOML) in result["msg"], result["msg"]
    assert snapshot(home) == before


# ---------------------------------------------------------------------------------------------
# trust_client_cert: used when isconf has trust-store support, never silently ignored

needs_keytool = pytest.mark.skipif(not (shutil.which("keytool") and shutil.which("openssl")), reason="needs keytool and openssl")

OLD_ISCONF = """\
#!{python}
# An isconf without trust-store support, as far as the module and the playbook can tell: its
# `enable --help` does not offer --trust-client-cert.
import os, subprocess, sys
real = {real!r}
args = sys.argv[1:]
if args[:2] == ["enable", "--help"]:
    out = subprocess.run([real, "enable", "--help"], capture_output=True, text=True).stdout
    sys.stdout.write("".join(line for line in out.splitlines(True) if "trust-client-cert" not in line))
    sys.exit(0)
os.execv(real, [real] + args)
"""


def old_isconf(tmp_path, isconf):
    fake = tmp_path / "isconf-without-trust-store"
    fake.write_text(OLD_ISCONF.format(python=sys.executable, real=isconf))
    fake.chmod(0o755)
    return str(fake)


def client_certificate(tmp_path, cn="partner-client"):
    """A self-signed client certificate made by openssl."""
    cert = tmp_path / (cn + ".pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / (cn + ".key")),
                    "-out", str(cert), "-days", "365", "-subj", "/CN=" + cn], check=True, capture_output=True)
    return cert


def keytool_trust_store(home, password=SAMPLE_TRUSTSTORE_PASSWORD):
    """Replaces the sample's client-truststore.jks with one keytool makes (a key pair in it, as WSO2's
    stores have), with the password the sample's connector gives."""
    store = home / TRUST_STORE
    store.unlink()
    subprocess.run(["keytool", "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=localhost", "-validity", "365", "-keystore", str(store), "-storetype", "JKS",
                    "-storepass", password, "-keypass", password], check=True, capture_output=True)
    return store


def keytool_sha256(store, alias, password=SAMPLE_TRUSTSTORE_PASSWORD):
    """The SHA-256 fingerprint keytool lists for an alias (lowercase, no colons), or None."""
    listed = subprocess.run(["keytool", "-list", "-v", "-keystore", str(store), "-storepass", password, "-alias", alias],
                            capture_output=True, text=True)
    if listed.returncode != 0 or "trustedCertEntry" not in listed.stdout:
        return None
    line = next(l for l in listed.stdout.splitlines() if l.strip().startswith("SHA256:"))
    return line.split("SHA256:")[1].strip().replace(":", "").lower()


def test_trust_client_cert_without_support_fails(tmp_path, env, isconf):
    home = make_home(tmp_path)
    before = snapshot(home)
    cert = tmp_path / "client.pem"
    cert.write_text("not read\n")
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": old_isconf(tmp_path, isconf),
                                        "trust_client_cert": str(cert)})
    assert rc != 0 and result["failed"] is True
    assert "has no trust-store support" in result["msg"]
    assert "upgrade isconf or import the certificate with keytool" in result["msg"]
    assert snapshot(home) == before


@needs_keytool
def test_trust_client_cert_imports_into_the_trust_store(tmp_path, env, isconf):
    home = make_home(tmp_path)
    store = keytool_trust_store(home)
    cert = client_certificate(tmp_path)

    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "trust_client_cert": str(cert)})
    assert rc == 0 and result["changed"] is True, result
    assert result["cmd"][-4:] == ["--trust-client-cert", str(cert), "--", str(home)]
    entry = next(f for f in result["files"] if f["path"].endswith(str(TRUST_STORE)))
    assert entry["changed"] is True and entry["written"] is True
    assert entry["changes"] == ["add trusted certificate 'partner-client' (sha256 %s)" % entry["trusted_certificate"]["sha256"]]
    assert entry["backup"].startswith(str(home / "backup" / "isconf"))
    assert keytool_sha256(store, "partner-client") == entry["trusted_certificate"]["sha256"]
    listed = subprocess.run(["keytool", "-list", "-keystore", str(store), "-storepass", SAMPLE_TRUSTSTORE_PASSWORD],
                            capture_output=True, text=True).stdout
    assert "wso2carbon," in listed and "PrivateKeyEntry" in listed, "the key pair is kept"
    assert result["findings"] and not [f for f in result["findings"] if f["rule"] in ("store-access", "truststore-empty")]
    assert SAMPLE_TRUSTSTORE_PASSWORD not in json.dumps(result)

    rc, again = module(tmp_path, env, {"is_home": str(home), "binary": isconf, "trust_client_cert": str(cert)})
    assert rc == 0 and again["changed"] is False, again


@needs_keytool
def test_trust_client_cert_in_check_mode_changes_no_store(tmp_path, env, isconf):
    home = make_home(tmp_path)
    keytool_trust_store(home)
    before = snapshot(home)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf,
                                        "trust_client_cert": str(client_certificate(tmp_path))}, "--check")
    assert rc == 0 and result["changed"] is True, result
    entry = next(f for f in result["files"] if f["path"].endswith(str(TRUST_STORE)))
    assert entry["changed"] is True and entry["written"] is False
    assert snapshot(home) == before


@needs_keytool
def test_trust_client_cert_with_a_wrong_store_password_fails_and_changes_nothing(tmp_path, env, isconf):
    home = make_home(tmp_path)
    keytool_trust_store(home, password="another-password")
    before = snapshot(home)
    rc, result = module(tmp_path, env, {"is_home": str(home), "binary": isconf,
                                        "trust_client_cert": str(client_certificate(tmp_path))})
    assert rc != 0 and result["failed"] is True
    assert "client-truststore.jks: store password is incorrect" in result["msg"]
    assert snapshot(home) == before


# ---------------------------------------------------------------------------------------------
# the sample playbook and inventory, ansible-doc


def test_play_over_several_hosts_changes_each_once(tmp_path, env, isconf):
    nodes = ["is-node-a", "is-node-b", "is-node-c"]
    homes = {n: make_home(tmp_path, n) for n in nodes}
    inventory = write_inventory(tmp_path, {n: {"is_home": homes[n], "isconf_binary": isconf} for n in nodes})

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    enabled = task_results(data, "Enable mutual SSL")
    assert set(enabled) == set(nodes)
    for node in nodes:
        assert enabled[node]["changed"] is True
        assert {Path(f["path"]).parent.parent.parent.parent for f in enabled[node]["files"] if f["changed"]} == {homes[node]}
        assert data["stats"][node]["changed"] == 1
        assert data["stats"][node]["failures"] == 0
        assert 'clientAuth="want"' in (homes[node] / CATALINA).read_text()
    findings = task_results(data, "Findings")
    for node in nodes:
        assert [r["msg"] for r in findings[node]["results"]] == [
            "%s:17:8: warning: the whitelist is off: any client certificate the trust store accepts can log in as "
            "any user, without a password [whitelist]" % (homes[node] / AUTHENTICATORS)
        ]

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for node in nodes:
        assert task_results(data, "Enable mutual SSL")[node]["changed"] is False
        assert data["stats"][node]["changed"] == 0


def test_sample_playbook_check_mode_changes_nothing(tmp_path, env, isconf):
    homes = {n: make_home(tmp_path, n) for n in ("a", "b")}
    before = {n: snapshot(h) for n, h in homes.items()}
    inventory = write_inventory(tmp_path, {n: {"is_home": h, "isconf_binary": isconf} for n, h in homes.items()})
    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory, "--check", "--diff")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(r["changed"] for r in task_results(data, "Enable mutual SSL").values())
    assert {n: snapshot(h) for n, h in homes.items()} == before


def test_sample_playbook_fails_a_node_whose_file_does_not_parse(tmp_path, env, isconf):
    good, bad = make_home(tmp_path, "good"), make_home(tmp_path, "bad")
    (bad / CATALINA).write_text("<Server>\n  <Service>\n</Server>\n")
    inventory = write_inventory(tmp_path, {n: {"is_home": h, "isconf_binary": isconf} for n, h in (("good", good), ("bad", bad))})
    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 2
    results = task_results(data, "Enable mutual SSL")
    assert results["good"]["changed"] is True and not results["good"].get("failed")
    assert results["bad"]["failed"] is True
    assert "catalina-server.xml:3:" in results["bad"]["msg"] and "malformed XML" in results["bad"]["msg"]


@needs_keytool
def test_sample_playbook_trusts_a_client_certificate_through_isconf(tmp_path, env, isconf):
    """This isconf imports certificates itself: the playbook hands it the certificate, keytool is not needed."""
    home = make_home(tmp_path, "node")
    store = keytool_trust_store(home)
    cert = client_certificate(tmp_path)
    inventory = write_inventory(tmp_path, {"node": {"is_home": home, "isconf_binary": isconf, "isconf_client_cert": cert}})

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    enabled = task_results(data, "Enable mutual SSL")["node"]
    assert enabled["changed"] is True
    assert enabled["cmd"][-4:] == ["--trust-client-cert", str(cert), "--", str(home)]
    assert task_results(data, "Import the client certificate into the trust store")["node"].get("skipped") is True
    assert keytool_sha256(store, "partner-client") is not None

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["stats"]["node"]["changed"] == 0


@needs_keytool
def test_sample_playbook_trusts_a_client_certificate_with_keytool(tmp_path, env, isconf):
    """An isconf without trust-store support: the playbook falls back to keytool, once."""
    home = make_home(tmp_path, "node")
    store = keytool_trust_store(home)
    cert = client_certificate(tmp_path)
    inventory = write_inventory(tmp_path, {"node": {"is_home": home, "isconf_binary": old_isconf(tmp_path, isconf),
                                                    "isconf_client_cert": cert, "isconf_client_cert_alias": "partner",
                                                    "isconf_truststore_password": SAMPLE_TRUSTSTORE_PASSWORD}})

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory, "-vvv")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert task_results(data, "Import the client certificate into the trust store")["node"]["changed"] is True
    assert keytool_sha256(store, "partner") is not None
    # the store password reaches keytool on its standard input, and Ansible prints it nowhere
    assert SAMPLE_TRUSTSTORE_PASSWORD not in proc.stdout + proc.stderr
    assert SAMPLE_TRUSTSTORE_PASSWORD not in json.dumps(data)

    proc, data = playbook_json(tmp_path, env, PLAYBOOK, inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert task_results(data, "Import the client certificate into the trust store")["node"].get("skipped") is True
    assert data["stats"]["node"]["changed"] == 0


def test_ad_hoc_over_the_group(tmp_path, env, isconf):
    """`ansible wso2is -m wso2ops.isconf.isconf_mutual_ssl`: one line per host, as an operator runs it ad hoc."""
    kernel, enabled = make_home(tmp_path, "kernel"), make_home(tmp_path, "enabled")
    inventory = write_inventory(tmp_path, {"kernel": {"is_home": kernel}, "enabled": {"is_home": enabled}})
    adhoc = [tool("ansible"), "wso2is", "-c", "local", "-i", str(inventory), "-o", "-m", MODULE]
    proc = run(adhoc + ["-a", "is_home={{ is_home }} binary=%s" % isconf, "--limit", "enabled"], env, tmp_path)
    assert proc.returncode == 0 and "enabled | CHANGED => " in proc.stdout, proc.stdout + proc.stderr

    proc = run(adhoc + ["-a", "is_home={{ is_home }} binary=%s state=linted" % isconf], env, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = dict(line.split(" | ", 1) for line in proc.stdout.splitlines() if " | " in line)
    assert lines["kernel"].startswith("FAILED! => ")
    assert lines["enabled"].startswith("SUCCESS => ")
    kernel_result = json.loads(lines["kernel"].split(" => ", 1)[1])
    assert sorted(f["rule"] for f in kernel_result["failing_findings"]) == ["client-auth-want", "mutual-ssl-authenticator"]
    enabled_result = json.loads(lines["enabled"].split(" => ", 1)[1])
    assert [f["rule"] for f in enabled_result["findings"]] == ["whitelist"] and enabled_result["changed"] is False


def test_sample_inventory_parses(tmp_path, env):
    proc = run([tool("ansible-inventory"), "-i", str(ANSIBLE_DIR / "inventory.ini"), "--list"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    hosts = data["wso2is"]["hosts"]
    assert len(hosts) == 3
    for host in hosts:
        hostvars = data["_meta"]["hostvars"][host]
        assert hostvars["is_home"].startswith("/")
        assert hostvars["isconf_binary"] == "/usr/local/bin/isconf"


def test_ansible_doc_renders_the_module(tmp_path, env):
    proc = run([tool("ansible-doc"), MODULE], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert MODULE in out
    for option in ("is_home", "state", "whitelist", "username_header", "trust_client_cert", "backup", "binary", "fail_on"):
        assert re.search(r"^[-=] %s\s" % option, out, re.M), option
    assert re.search(r"^= is_home\s", out, re.M)  # "=": required
    assert "EXAMPLES" in out and "RETURN VALUES" in out
    assert proc.stderr.strip() == "", proc.stderr

    proc = run([tool("ansible-doc"), "--json", MODULE], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)[MODULE]
    options = doc["doc"]["options"]
    assert options["is_home"]["required"] is True
    assert options["is_home"]["aliases"] == ["path"]
    assert options["state"]["choices"] == ["enabled", "linted"]
    assert options["fail_on"]["choices"] == ["error", "warning", "note", "never"]
    assert doc["doc"]["attributes"]["check_mode"]["support"] == "full"
    assert doc["doc"]["attributes"]["diff_mode"]["support"] == "full"
    assert {"changed", "findings", "msg", "diff", "backup_file"} <= set(doc["return"])
    assert MODULE + ":" in doc["examples"]


@pytest.mark.parametrize("name", [MODULE, "wso2ops.isconf.isconf_mutual_ssl_info"])
def test_module_argument_spec_matches_its_documentation(tmp_path, env, collections_path, name):
    """ansible-doc shows DOCUMENTATION; the module enforces ARGUMENT_SPEC: they must agree."""
    proc = run([tool("ansible-doc"), "--json", name], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    documented = json.loads(proc.stdout)[name]["doc"]["options"]
    sys.path.insert(0, str(collections_path))
    try:
        source = importlib.import_module("ansible_collections.%s.plugins.modules.%s" % tuple(name.rsplit(".", 1)))
    finally:
        sys.path.remove(str(collections_path))
    assert sorted(source.ARGUMENT_SPEC) == sorted(documented)
    for name, enforced in source.ARGUMENT_SPEC.items():
        doc = documented[name]
        for key in ("type", "choices", "elements", "aliases"):
            assert enforced.get(key) == doc.get(key), (name, key)
        assert bool(enforced.get("required")) == bool(doc.get("required")), name
        assert enforced.get("default") == doc.get("default"), name
