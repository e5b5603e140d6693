"""The Debian package, `make install`'s tree, the man pages and the completions, made from the DEBUG
binaries (a release build would add ~16 minutes to `make test`): scripts/package-deb.sh --debug-build
and scripts/install-tree.sh, checked with dpkg-deb, lintian, man, bash, zsh, fish and systemd-analyze.
`make deb` runs the same script on the release build.

Run: ISCONF_BIN=$PWD/.build/debug/isconf .venv-ansible/bin/python -m pytest -q Tests/packaging
"""

import gzip
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
TEST_MAINTAINER = ("isconf package tests", "isconf-package-tests@example.org")


def binaries_dir():
    path = Path(os.environ.get("ISCONF_BIN", ".build/debug/isconf"))
    if not path.is_absolute():
        path = REPO / path
    return path.parent


def run(cmd, check=True, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=900, **kwargs)
    if check:
        assert proc.returncode == 0, "%s exited %d:\n%s\n%s" % (cmd, proc.returncode, proc.stdout, proc.stderr)
    return proc


def needs(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    return pytest.mark.skipif(bool(missing), reason="needs %s on PATH (scripts/setup.sh installs them)" % ", ".join(missing))


def source_version():
    text = (REPO / "Sources/ISConfCommandLine/Version.swift").read_text()
    return re.search(r'^public let isconfVersion = "([^"]+)"$', text, re.M).group(1)


@pytest.fixture(scope="session")
def bin_dir():
    directory = binaries_dir()
    for name in ("isconf", "isconf-watch"):
        assert os.access(directory / name, os.X_OK), "no %s in %s: build it (swift build) or set ISCONF_BIN" % (name, directory)
    return directory


@pytest.fixture(scope="session")
def deb(bin_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, DEBFULLNAME=TEST_MAINTAINER[0], DEBEMAIL=TEST_MAINTAINER[1])
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = run([REPO / "scripts/package-deb.sh", "--debug-build", bin_dir, out], env=env)
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.is_file(), proc.stdout
    return path


@pytest.fixture(scope="session")
def unpacked(deb, tmp_path_factory):
    """The package's files, as `dpkg -x` puts them under a root."""
    root = tmp_path_factory.mktemp("root")
    run(["dpkg", "-x", deb, root])
    return root


def control(deb):
    fields = {}
    for line in run(["dpkg-deb", "-f", deb]).stdout.splitlines():
        if line[:1] not in (" ", "") and ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


# ---------------------------------------------------------------------------------------------
# the package


def test_package_is_named_by_version_and_architecture(deb):
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    assert deb.name == "isconf_%s-1_%s.deb" % (source_version(), arch)
    fields = control(deb)
    assert fields["Package"] == "isconf"
    assert fields["Version"] == source_version() + "-1"
    assert fields["Architecture"] == arch
    assert fields["Maintainer"] == "%s <%s>" % TEST_MAINTAINER
    assert fields["Section"] == "admin"


def test_depends_come_from_dpkg_shlibdeps(deb):
    depends = [d.strip() for d in control(deb)["Depends"].split(",")]
    names = {re.match(r"[\w.+-]+", d).group(0) for d in depends}
    assert {"libc6", "libxml2"} <= names, depends
    assert all(re.search(r"\(>= [\w.~+-]+\)$", d) for d in depends), "versioned, as shlibs give them: %s" % depends


def test_contents(deb):
    listing = run(["dpkg-deb", "-c", deb]).stdout.splitlines()
    files = {line.split()[-1].lstrip(".") for line in listing if not line.startswith("d")}
    assert files == {
        "/usr/bin/isconf",
        "/usr/bin/isconf-watch",
        "/usr/share/man/man1/isconf.1.gz",
        "/usr/share/man/man1/isconf-watch.1.gz",
        "/usr/share/bash-completion/completions/isconf",
        "/usr/share/bash-completion/completions/isconf-watch",
        "/usr/share/zsh/site-functions/_isconf",
        "/usr/share/zsh/site-functions/_isconf-watch",
        "/usr/share/fish/vendor_completions.d/isconf.fish",
        "/usr/share/fish/vendor_completions.d/isconf-watch.fish",
        "/usr/lib/systemd/system/isconf-watch.service",
        "/usr/share/doc/isconf/copyright",
        "/usr/share/doc/isconf/changelog.Debian.gz",
        "/usr/share/lintian/overrides/isconf",
    }
    owners = {line.split()[1] for line in listing}
    assert owners == {"root/root"}
    modes = {line.split()[-1].lstrip("."): line.split()[0] for line in listing}
    assert modes["/usr/bin/isconf"] == "-rwxr-xr-x" and modes["/usr/share/doc/isconf/copyright"] == "-rw-r--r--"


def test_no_maintainer_script_enables_the_unit(deb, tmp_path):
    run(["dpkg-deb", "--control", deb, tmp_path / "control"])
    assert sorted(p.name for p in (tmp_path / "control").iterdir()) == ["control", "md5sums"]


def test_binaries_are_stripped(unpacked):
    for name in ("isconf", "isconf-watch"):
        sections = run(["readelf", "-S", "-W", unpacked / "usr/bin" / name]).stdout
        assert ".debug_info" not in sections and ".symtab" not in sections, name


def test_changelog_and_copyright(unpacked):
    doc = unpacked / "usr/share/doc/isconf"
    changelog = gzip.decompress((doc / "changelog.Debian.gz").read_bytes()).decode()
    assert changelog.startswith("isconf (%s-1) unstable; urgency=medium\n" % source_version())
    assert " -- %s <%s>  " % TEST_MAINTAINER in changelog
    copyright_ = (doc / "copyright").read_text()
    assert copyright_.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    assert "\nLicense: MIT\n" in copyright_ and "\nLicense: Apache-2.0\n" in copyright_


@needs("lintian")
def test_lintian_reports_no_errors_or_warnings(deb):
    # custom-library-search-path: a debug build's RUNPATH points into the toolchain for the Swift
    # runtime; the release build links the runtime in and has no RUNPATH (`make deb` checks that).
    proc = run(["lintian", "--fail-on", "error,warning", "--suppress-tags", "custom-library-search-path", deb], check=False)
    tags = [line for line in proc.stdout.splitlines() if re.match(r"[EW]: ", line)]
    assert proc.returncode == 0 and tags == [], proc.stdout + proc.stderr


@needs("lintian")
def test_lintian_check_can_fail(deb, tmp_path):
    """The same lintian run reports an error once the package lacks its copyright file."""
    tree = tmp_path / "tree"
    run(["dpkg-deb", "-R", deb, tree])
    (tree / "usr/share/doc/isconf/copyright").unlink()
    md5sums = tree / "DEBIAN/md5sums"
    md5sums.write_text("".join(l for l in md5sums.read_text().splitlines(True) if "doc/isconf/copyright" not in l))
    broken = tmp_path / deb.name
    run(["dpkg-deb", "--root-owner-group", "-Znone", "--build", tree, broken])
    proc = run(["lintian", "--fail-on", "error", "--suppress-tags", "custom-library-search-path", broken], check=False)
    assert proc.returncode != 0 and "E: isconf: no-copyright-file" in proc.stdout, proc.stdout


def test_installed_isconf_lints_the_sample(unpacked):
    isconf = unpacked / "usr/bin/isconf"
    proc = run([isconf, "lint", SAMPLE_HOME], check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[client-auth-want]" in proc.stdout and "[mutual-ssl-authenticator]" in proc.stdout
    assert proc.stdout.rstrip().endswith("2 errors in 2 files (2 fixable with isconf enable)")
    # `isconf watch` finds the isconf-watch installed beside it
    proc = run([isconf, "watch", "--help"], check=False)
    assert proc.returncode == 0 and "USAGE: isconf-watch" in proc.stdout, proc.stdout + proc.stderr


def test_package_refuses_binaries_that_need_the_toolchain(bin_dir, tmp_path):
    """Without --debug-build, binaries linking the Swift runtime dynamically are not packaged."""
    needs_runtime = "libswiftCore.so" in run(["readelf", "-d", bin_dir / "isconf"]).stdout
    assert needs_runtime, "the debug isconf should link the Swift runtime dynamically"
    proc = run([REPO / "scripts/package-deb.sh", bin_dir, tmp_path], check=False)
    assert proc.returncode != 0
    assert "links the Swift runtime dynamically: build it with --static-swift-stdlib" in proc.stderr
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------------------------
# the systemd unit


def systemd_verify(unit_text, tmp_path, isconf_watch, man_dir):
    """systemd-analyze verify on the unit, its ExecStart pointed at an existing isconf-watch; its
    Documentation=man:isconf-watch(1) is looked up (with man) in man_dir."""
    exec_start = re.search(r"^ExecStart=(\S+) ", unit_text, re.M).group(1)
    copy = tmp_path / "isconf-watch.service"
    copy.write_text(unit_text.replace("ExecStart=%s " % exec_start, "ExecStart=%s " % isconf_watch))
    proc = run(["systemd-analyze", "verify", copy], check=False, env=dict(os.environ, MANPATH=str(man_dir)))
    about_unit = [line for line in (proc.stdout + proc.stderr).splitlines() if "isconf-watch.service" in line]
    return proc.returncode, about_unit


@needs("systemd-analyze")
def test_packaged_unit_runs_the_packaged_daemon(unpacked, tmp_path):
    unit = (unpacked / "usr/lib/systemd/system/isconf-watch.service").read_text()
    assert "\nExecStart=/usr/bin/isconf-watch " in unit
    assert "\nDocumentation=man:isconf-watch(1)\n" in unit
    status, about_unit = systemd_verify(unit, tmp_path, unpacked / "usr/bin/isconf-watch", unpacked / "usr/share/man")
    assert status == 0 and about_unit == [], about_unit


# ---------------------------------------------------------------------------------------------
# man pages


@needs("man")
@pytest.mark.parametrize("page", ["isconf", "isconf-watch"])
def test_man_page_renders(unpacked, page):
    path = unpacked / "usr/share/man/man1" / (page + ".1.gz")
    proc = run(["man", "--warnings", "-l", path], env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
    assert proc.stderr == "", proc.stderr
    text = re.sub(r".\x08", "", proc.stdout)
    assert re.search(r"^NAME\n\s+%s — " % re.escape(page), text, re.M), text[:300]
    assert re.search(r"^isconf %s\s" % re.escape(source_version()), text.splitlines()[-1]), text.splitlines()[-1]
    if page == "isconf":
        for subcommand in ("lint", "enable", "watch", "rules", "truststore"):
            assert re.search(r"^\s+%s\s" % subcommand, text, re.M), subcommand
        assert "--fail-on" in text and "Tomcat 7 (IS 5.8 and older)" in text
    else:
        assert "--debounce-ms" in text and "--metrics-listen" in text


# ---------------------------------------------------------------------------------------------
# completions


@needs("bash")
def test_bash_completion_completes_subcommands_and_options(unpacked):
    script = unpacked / "usr/share/bash-completion/completions/isconf"
    run(["bash", "-n", script])
    driver = r"""
source "$1"
spec=$(complete -p isconf) || exit 3
function=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
complete_words() {
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  "$function" isconf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}
complete_words isconf li
echo ---
complete_words isconf lint --fo
"""
    proc = run(["bash", "-c", driver, "bash", script])
    first, second = proc.stdout.split("---\n")
    assert first.split() == ["lint"], proc.stdout
    assert "--format" in second.split(), proc.stdout


@needs("zsh")
def test_zsh_completion_loads(unpacked):
    folder = unpacked / "usr/share/zsh/site-functions"
    run(["zsh", "-n", folder / "_isconf"])
    proc = run(["zsh", "-f", "-c", 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D; '
                'print -r -- ${_comps[isconf]} ${_comps[isconf-watch]}; autoload +X _isconf && whence -w _isconf',
                "zsh", folder])
    assert proc.stdout.split() == ["_isconf", "_isconf-watch", "_isconf:", "function"], proc.stdout + proc.stderr


@needs("fish")
def test_fish_completion_completes_subcommands_and_options(unpacked):
    script = unpacked / "usr/share/fish/vendor_completions.d/isconf.fish"
    proc = run(["fish", "--no-config", "-c", 'source $argv[1]; complete -C "isconf li"; echo ---; complete -C "isconf lint --fo"', script])
    first, second = proc.stdout.split("---\n")
    assert [line.split("\t")[0] for line in first.splitlines()] == ["lint"], proc.stdout
    assert "--format" in [line.split("\t")[0] for line in second.splitlines()], proc.stdout


# ---------------------------------------------------------------------------------------------
# make install's tree, and the version everywhere


def test_install_tree_puts_everything_under_prefix(bin_dir, tmp_path):
    prefix = tmp_path / "opt" / "isconf"
    run([REPO / "scripts/install-tree.sh", bin_dir, "", prefix])
    files = {str(p.relative_to(prefix)) for p in prefix.rglob("*") if p.is_file()}
    assert files == {
        "bin/isconf", "bin/isconf-watch",
        "share/man/man1/isconf.1", "share/man/man1/isconf-watch.1",
        "share/bash-completion/completions/isconf", "share/bash-completion/completions/isconf-watch",
        "share/zsh/site-functions/_isconf", "share/zsh/site-functions/_isconf-watch",
        "share/fish/vendor_completions.d/isconf.fish", "share/fish/vendor_completions.d/isconf-watch.fish",
        "lib/systemd/system/isconf-watch.service",
    }
    unit = (prefix / "lib/systemd/system/isconf-watch.service").read_text()
    assert "\nExecStart=%s/bin/isconf-watch " % prefix in unit
    sample = (REPO / "conf-samples/systemd/isconf-watch.service").read_text()
    assert unit == sample.replace("ExecStart=/usr/local/bin/isconf-watch ", "ExecStart=%s/bin/isconf-watch " % prefix)
    if shutil.which("systemd-analyze"):
        copy = tmp_path / "isconf-watch.service"
        copy.write_text(unit)
        proc = run(["systemd-analyze", "verify", copy], check=False, env=dict(os.environ, MANPATH=str(prefix / "share/man")))
        assert proc.returncode == 0, proc.stdout + proc.stderr

    # DESTDIR: the same tree under it, the unit still naming PREFIX
    destdir = tmp_path / "destdir"
    run([REPO / "scripts/install-tree.sh", bin_dir, destdir, "/usr/local"])
    assert (destdir / "usr/local/bin/isconf").is_file()
    assert "\nExecStart=/usr/local/bin/isconf-watch " in (destdir / "usr/local/lib/systemd/system/isconf-watch.service").read_text()


def test_install_tree_rejects_a_relative_prefix(bin_dir, tmp_path):
    proc = run([REPO / "scripts/install-tree.sh", bin_dir, tmp_path, "usr/local"], check=False)
    assert proc.returncode == 64 and "PREFIX must be an absolute path" in proc.stderr
    assert not list(tmp_path.iterdir())


def test_version_is_the_same_everywhere(bin_dir, deb, unpacked, tmp_path):
    """Version.swift, both binaries' --version, the package, the man pages' footer, JSON's and SARIF's
    tool version, and the Ansible collection's galaxy.yml."""
    version = source_version()
    seen = {
        "isconf --version": run([bin_dir / "isconf", "--version"]).stdout.strip(),
        "isconf-watch --version": run([bin_dir / "isconf-watch", "--version"]).stdout.strip(),
        "package": control(deb)["Version"].rsplit("-", 1)[0],
    }
    for page in ("isconf", "isconf-watch"):
        roff = gzip.decompress((unpacked / "usr/share/man/man1" / (page + ".1.gz")).read_bytes()).decode()
        seen["%s.1" % page] = re.search(r"^\.Os isconf (\S+)$", roff, re.M).group(1)
    lint = [bin_dir / "isconf", "lint", "--fail-on", "never", "--format"]
    seen["json"] = json.loads(run(lint + ["json", SAMPLE_HOME]).stdout)["tool"]["version"]
    seen["sarif"] = json.loads(run(lint + ["sarif", SAMPLE_HOME]).stdout)["runs"][0]["tool"]["driver"]["version"]
    galaxy = (REPO / "conf-samples/ansible/galaxy.yml").read_text()
    seen["galaxy.yml"] = re.search(r"^version: (\S+)$", galaxy, re.M).group(1)
    assert seen == dict.fromkeys(seen, version)
