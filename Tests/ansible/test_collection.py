"""The collection wso2ops.isconf beyond isconf_mutual_ssl's behaviour (test_isconf_mutual_ssl.py):
its build, the info module, the `path` alias and `backup_file`, the role `install`, and the checks
Ansible's own tooling makes: `ansible-test sanity` and `ansible-lint`.

Run: ISCONF_BIN=$PWD/.build/debug/isconf .venv-ansible/bin/python -m pytest -q Tests/ansible
"""

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from test_isconf_mutual_ssl import (  # noqa: F401 (fixtures)
    ANSIBLE_DIR,
    AUTHENTICATORS,
    CATALINA,
    REPO,
    SAMPLE_HOME_7_3,
    collections_path,
    env,
    isconf,
    make_home,
    playbook_json,
    run,
    snapshot,
    task_results,
    tool,
    write_inventory,
)

INFO = "wso2ops.isconf.isconf_mutual_ssl_info"
ENABLE = "wso2ops.isconf.isconf_mutual_ssl"
SAMPLE_UNIT = REPO / "conf-samples/systemd/isconf-watch.service"


def play(tmp_path, tasks=None, roles=None):
    entry = {"name": "collection", "hosts": "wso2is", "gather_facts": False}
    if tasks:
        entry["tasks"] = tasks
    if roles:
        entry["roles"] = roles
    path = tmp_path / "play.yml"
    path.write_text(json.dumps([entry], indent=2))
    return path


def run_play(tmp_path, env, playbook, *extra):
    return playbook_json(tmp_path, env, playbook, write_inventory(tmp_path, {"node": {}}), *extra)


# ---------------------------------------------------------------------------------------------
# the collection artifact


def test_collection_artifact_holds_the_modules_and_the_role(tmp_path, env):
    proc = run([tool("ansible-galaxy"), "collection", "build", str(ANSIBLE_DIR), "--output-path", str(tmp_path)], env, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (artifact,) = tmp_path.glob("wso2ops-isconf-*.tar.gz")
    with tarfile.open(artifact) as tar:
        names = set(tar.getnames())
    assert {"galaxy.yml", "MANIFEST.json", "README.md", "plugins/modules/isconf_mutual_ssl.py",
            "plugins/modules/isconf_mutual_ssl_info.py", "plugins/module_utils/isconf.py",
            "roles/install/tasks/main.yml", "roles/install/templates/isconf-watch.service.j2",
            "meta/runtime.yml"} - {"galaxy.yml"} <= names, sorted(names)
    assert "playbook.yml" not in names and "inventory.ini" not in names


# ---------------------------------------------------------------------------------------------
# the info module, path and backup_file


@pytest.mark.parametrize("check_mode", [False, True])
def test_info_module_returns_the_findings_and_changes_nothing(tmp_path, env, isconf, check_mode):
    home = make_home(tmp_path)
    before = snapshot(home)
    proc, data = run_play(tmp_path, env, play(tmp_path, [{"name": "info", INFO: {"path": str(home), "binary": isconf}}]),
                          *(["--check"] if check_mode else []))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = task_results(data, "info")["node"]
    assert result["changed"] is False and not result.get("failed")
    assert sorted(f["rule"] for f in result["findings"]) == ["client-auth-want", "mutual-ssl-authenticator"]
    assert result["summary"] == {"files": 2, "errors": 2, "warnings": 0, "notes": 0, "fixable": 2, "suppressed": 0}
    assert result["msg"] == "2 errors, 0 warnings, 0 notes in 2 files"
    assert result["cmd"][1:3] == ["lint", "--format"]
    assert snapshot(home) == before


def test_info_module_fails_on_a_file_that_does_not_parse(tmp_path, env, isconf):
    home = make_home(tmp_path)
    (home / AUTHENTICATORS).write_text("<Authenticators><x\n")
    proc, data = run_play(tmp_path, env, play(tmp_path, [{"name": "info", INFO: {"is_home": str(home), "binary": isconf}}]))
    assert proc.returncode != 0
    result = task_results(data, "info")["node"]
    assert result["failed"] is True and "authenticators.xml:2:1: malformed XML" in result["msg"], result["msg"]


def test_path_alias_and_backup_file(tmp_path, env, isconf):
    home = make_home(tmp_path)
    proc, data = run_play(tmp_path, env, play(tmp_path, [{"name": "enable", ENABLE: {"path": str(home), "binary": isconf}}]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = task_results(data, "enable")["node"]
    assert result["changed"] is True
    assert result["backup_file"] == [f["backup"] for f in result["files"]]
    backed_up = {Path(b).relative_to(Path(b).parents[3]) for b in result["backup_file"]}
    assert backed_up == {CATALINA, AUTHENTICATORS}
    assert all(Path(b).is_file() and str(b).startswith(str(home / "backup/isconf/")) for b in result["backup_file"])

    # nothing replaced, or no backups kept: no backup_file
    proc, data = run_play(tmp_path, env, play(tmp_path, [{"name": "enable", ENABLE: {"path": str(home), "binary": isconf}}]))
    assert "backup_file" not in task_results(data, "enable")["node"]
    other = make_home(tmp_path, "other")
    proc, data = run_play(tmp_path, env, play(tmp_path, [{"name": "enable", ENABLE: {"path": str(other), "binary": isconf, "backup": False}}]))
    result = task_results(data, "enable")["node"]
    assert result["changed"] is True and "backup_file" not in result


# ---------------------------------------------------------------------------------------------
# the role wso2ops.isconf.install


def role_task(name):
    return "wso2ops.isconf.install : " + name


def role(**variables):
    return [{"role": "wso2ops.isconf.install", "vars": variables}]


def test_role_installs_the_binaries_once(tmp_path, env, isconf):
    bin_dir = tmp_path / "bin"
    playbook = play(tmp_path, roles=role(install_binaries=str(Path(isconf).parent), install_bin_dir=str(bin_dir)))
    proc, data = run_play(tmp_path, env, playbook)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["stats"]["node"]["changed"] == 2  # the folder and the two binaries' loop
    for name in ("isconf", "isconf-watch"):
        assert (bin_dir / name).read_bytes() == (Path(isconf).parent / name).read_bytes()
        assert os.access(bin_dir / name, os.X_OK)
    assert subprocess.run([str(bin_dir / "isconf"), "--version"], capture_output=True, text=True).stdout.strip()

    proc, data = run_play(tmp_path, env, playbook)
    assert proc.returncode == 0 and data["stats"]["node"]["changed"] == 0, proc.stdout


def test_role_wants_exactly_one_source(tmp_path, env, isconf):
    for variables in ({}, {"install_deb": "x.deb", "install_binaries": "/tmp"}):
        proc, data = run_play(tmp_path, env, play(tmp_path, roles=role(**variables)))
        assert proc.returncode != 0
        result = task_results(data, role_task("Check that exactly one source of isconf is given"))["node"]
        assert "set exactly one of install_deb" in result["msg"]


def test_role_installs_a_deb_with_apt_in_check_mode(tmp_path, env):
    """A small package stands in for isconf's (Tests/packaging builds the real one): in check mode
    apt says it would install it, and installs nothing."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        pytest.skip("needs apt and dpkg-deb")
    tree = tmp_path / "tree"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN/control").write_text("Package: isconf-role-test\nVersion: 0.0.1\nArchitecture: all\n"
                                         "Maintainer: isconf tests <isconf-tests@example.org>\n"
                                         "Description: stand-in for the role's test\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    deb = cache / "isconf-role-test_0.0.1_all.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(tree), str(deb)], check=True, capture_output=True)
    proc, data = run_play(tmp_path, env, play(tmp_path, roles=role(install_deb=str(deb), install_cache_dir=str(cache))), "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert task_results(data, role_task("Install the package with apt"))["node"]["changed"] is True
    assert subprocess.run(["dpkg", "-s", "isconf-role-test"], capture_output=True).returncode != 0


def unit_keys(text):
    return sorted({line.split("=", 1)[0] for line in text.splitlines() if re.match(r"^[A-Za-z]+=", line)})


def test_role_writes_the_watch_unit(tmp_path, env, isconf):
    kernel = make_home(tmp_path, "kernel")
    toml = tmp_path / "toml"
    shutil.copytree(SAMPLE_HOME_7_3, toml, symlinks=True)
    bin_dir, unit_dir = tmp_path / "bin", tmp_path / "units"
    unit_dir.mkdir()
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    playbook = play(tmp_path, roles=role(
        install_binaries=str(Path(isconf).parent), install_bin_dir=str(bin_dir), install_watch_unit=True,
        install_watch_homes=[str(kernel), str(toml)], install_watch_options=["--report-only", "--interval", "60"],
        install_watch_user=user, install_watch_group=group, install_watch_unit_dir=str(unit_dir),
        install_watch_systemd=False))  # systemd does not run here
    proc, data = run_play(tmp_path, env, playbook)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    unit = (unit_dir / "isconf-watch.service").read_text()
    assert '\nExecStart="%s/isconf-watch" "--report-only" "--interval" "60" "%s" "%s"\n' % (bin_dir, kernel, toml) in unit
    writable = re.findall(r"^ReadWritePaths=(.*)$", unit, re.M)
    assert writable == ['"%s/repository/conf/tomcat"' % kernel, '"%s/repository/conf/security"' % kernel,
                        '"%s/backup/isconf"' % kernel, '"%s/repository/conf"' % toml, '"%s/backup/isconf"' % toml]
    for home in (kernel, toml):
        assert oct((home / "backup/isconf").stat().st_mode & 0o777) == "0o700"
    assert "User=%s\n" % user in unit and "Group=%s\n" % group in unit
    # the same settings as the sample unit, whose comments say why each is there
    assert unit_keys(unit) == unit_keys(SAMPLE_UNIT.read_text())
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit_dir / "isconf-watch.service")],
                                capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "isconf-watch.service" not in verify.stdout + verify.stderr

    proc, data = run_play(tmp_path, env, playbook)
    assert proc.returncode == 0 and data["stats"]["node"]["changed"] == 0, proc.stdout
    assert task_results(data, role_task("Enable the unit"))["node"].get("skipped") is True


# ---------------------------------------------------------------------------------------------
# ansible-test sanity and ansible-lint

# ansible-test bootstraps pip in each sanity test's venv with a get-pip.py it downloads from
# ci-files.testing.ansible.com, which this machine cannot reach; this stand-in does the same with
# the venv's own ensurepip, then installs the pinned packages from PyPI.
GET_PIP_STAND_IN = """\
import subprocess, sys
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + sys.argv[1:])
"""


def ansible_test_home():
    """A HOME of ansible-test's own, kept between runs (its venvs take minutes to make)."""
    home = REPO / ".build" / "ansible-test-home"
    cache = home / ".ansible/test/cache"
    cache.mkdir(parents=True, exist_ok=True)
    import ansible_test
    requirements = Path(ansible_test.__file__).parent / "_internal/python_requirements.py"
    for version in set(re.findall(r"pip='([\d.]+)'", requirements.read_text())):
        (cache / ("get_pip_%s.py" % version.replace(".", "_"))).write_text(GET_PIP_STAND_IN)
    return home


def test_ansible_test_sanity(tmp_path, env, collections_path):
    collection = tmp_path / "ansible_collections/wso2ops/isconf"
    shutil.copytree(collections_path / "ansible_collections/wso2ops/isconf", collection)
    python = "%d.%d" % sys.version_info[:2]
    e = dict(env, HOME=str(ansible_test_home()))
    # pylint is left out: its venv alone took most of a fresh clone's 12 minutes of sanity, against
    # make test's 30-minute budget; every other sanity test runs.
    proc = subprocess.run([tool("ansible-test"), "sanity", "--python", python, "--local", "--color", "no",
                           "--skip-test", "pylint"],
                          cwd=str(collection), env=e, capture_output=True, text=True, timeout=1800)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    ran = re.findall(r'^Running sanity test "([\w-]+)"', output, re.M)
    assert {"validate-modules", "ansible-doc", "pep8", "import", "yamllint", "compile"} <= set(ran), ran
    print("ansible-test sanity ran: %s" % ", ".join(ran))


def test_ansible_lint_passes_on_the_playbook_and_the_role(tmp_path, env, collections_path):
    project = tmp_path / "project"
    shutil.copytree(ANSIBLE_DIR, project)  # ansible-lint writes its cache into the project
    proc = subprocess.run([tool("ansible-lint"), "--offline", "--nocolor", "playbook.yml", "roles/install"],
                          cwd=str(project), env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed: 0 failure(s), 0 warning(s)" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
