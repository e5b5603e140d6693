#!/usr/bin/env python3
"""Renders WSO2's real catalina-server.xml and authenticators.xml templates over many deployment.toml
variants, outside isconf, the way the config mapper does, so isconf's verdict on each TOML can be
compared with its verdict on the XML the server would render from it (TemplateProofTests).

The mapper's rules followed here: the TOML is flattened to dotted keys; each key-mappings.json
shorthand is moved onto its full key(s); default.json (the kernel's, then the product's over it)
fills every key the file does not set; validator.json's WhiteList rule stops the start when
WhiteListEnabled is the boolean true and WhiteList does not match `.+`; the dotted keys become the
template's nested context. Jinjava's `sameas` is identity, so only the boolean true passes
`is sameas true`, and Jinjava prints booleans and lists as Java does ("true", "[a, b]").

usage: render_templates.py CORPUS_DIR   (prints a JSON array of variants on standard output)
"""
import itertools
import json
import os
import re
import sys

import jinja2

THUMBPRINT = "3b8d7f0a9c1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f"
THUMBPRINT_256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

# The IS releases with the files of the corpus that make them: templates, defaults (kernel, then
# product), key mappings. The corpus has key-mappings.json only from kernel 4.12.34; its mutual SSL
# shorthands are the ones kernel 4.5.1 has too.
VERSIONS = {
    "5.9.0": {
        "catalina": "catalina-server.xml.j2@product-is-v5.9.0",
        "authenticators": "authenticators.xml.j2@carbon-kernel-v4.5.1",
        "defaults": ["default.json@carbon-kernel-v4.5.1", "default.json@product-is-v5.9.0"],
        "key_mappings": "key-mappings.json@carbon-kernel-v4.12.34",
    },
    "7.3.0": {
        "catalina": "catalina-server.xml.j2@product-is-v7.3.0",
        "authenticators": "authenticators.xml.j2@carbon-kernel-v4.10.9",
        "defaults": ["default.json@carbon-kernel-v4.12.34", "default.json@product-is-v7.3.0"],
        "key_mappings": "key-mappings.json@carbon-kernel-v4.12.34",
    },
}

AUTHENTICATOR = "admin_console.authenticator.mutual_ssl_authenticator"
WHITE_LIST_ENABLED = AUTHENTICATOR + ".config.WhiteListEnabled"
WHITE_LIST = AUTHENTICATOR + ".config.WhiteList"

# Each dimension: the values a variant may give a setting, None for "not written"; a (form, value)
# pair writes it as the full key ("full") or as its key-mappings shorthand ("short").
DIMENSIONS = {
    "https_enabled": [None, True, False, "true"],
    "certificate_verification": [None, ("full", "want"), ("full", "false"), ("full", "OPTIONAL"),
                                 ("short", "required"), ("short", "need")],
    "enable": [None, True, False, "true"],
    "white_list_enabled": [None, ("full", True), ("short", False), ("short", "true"), ("full", "false")],
    "white_list": [None, ("full", ""), ("short", THUMBPRINT), ("full", THUMBPRINT + "," + THUMBPRINT_256),
                   ("short", "*")],
}


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def deployment_toml(choice):
    """The variant as a deployment.toml, each table once, as people write them."""
    tables = {}

    def put(table, key, value):
        tables.setdefault(table, []).append(f"{key} = {toml_value(value)}")

    if choice["https_enabled"] is not None:
        put("transport.https", "enabled", choice["https_enabled"])
    if choice["certificate_verification"] is not None:
        form, value = choice["certificate_verification"]
        if form == "full":
            put("transport.https.sslHostConfig.properties", "certificateVerification", value)
        else:
            put("transport.https.properties", "certificate_verification", value)
    if choice["enable"] is not None:
        put(AUTHENTICATOR, "enable", choice["enable"])
    for dimension, full, short in [("white_list_enabled", "WhiteListEnabled", "white_list_enabled"),
                                   ("white_list", "WhiteList", "white_list")]:
        if choice[dimension] is not None:
            form, value = choice[dimension]
            if form == "full":
                put(AUTHENTICATOR + ".config", full, value)
            else:
                put(AUTHENTICATOR, short, value)
    lines = ["[server]", 'hostname = "localhost"', ""]
    for table, keys in tables.items():
        lines += [f"[{table}]"] + keys + [""]
    return "\n".join(lines)


def flatten(value, prefix, into):
    if isinstance(value, dict):
        for key, member in value.items():
            flatten(member, f"{prefix}.{key}" if prefix else key, into)
    else:
        into[prefix] = value


def unflatten(flat):
    tree = {}
    for key, value in flat.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def java_text(value):
    """What Jinjava prints: Java's toString of booleans and lists."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ", ".join(java_text(item) for item in value) + "]"
    return value


def main():
    import tomllib

    corpus = sys.argv[1]

    def read(name):
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            return f.read()

    environment = jinja2.Environment(undefined=jinja2.ChainableUndefined, finalize=java_text, autoescape=False)
    environment.tests["sameas"] = lambda value, other: value is other
    variants = []
    names = list(DIMENSIONS)
    for version, files in VERSIONS.items():
        defaults = {}
        for name in files["defaults"]:
            flatten(json.loads(read(name)), "", defaults)
        mappings = json.loads(read(files["key_mappings"]))
        catalina = environment.from_string(read(files["catalina"]))
        authenticators = environment.from_string(read(files["authenticators"]))
        for values in itertools.product(*(DIMENSIONS[name] for name in names)):
            toml = deployment_toml(dict(zip(names, values)))
            written = {}
            flatten(tomllib.loads(toml), "", written)
            context = {}
            for key, value in written.items():
                targets = mappings.get(key, key)
                for target in targets if isinstance(targets, list) else [targets]:
                    context[target] = value
            for key, value in defaults.items():
                context.setdefault(key, value)
            stops = context.get(WHITE_LIST_ENABLED) is True and not re.fullmatch(
                ".+", java_text(context.get(WHITE_LIST, "")), re.DOTALL)
            tree = unflatten(context)
            variants.append({
                "version": version,
                "toml": toml,
                "catalina": catalina.render(tree),
                "authenticators": authenticators.render(tree),
                "validatorStops": stops,
            })
    json.dump(variants, sys.stdout)


if __name__ == "__main__":
    main()
