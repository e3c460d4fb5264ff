"""Discord's documented payload limits and the validators that enforce them.

Discord rejects oversized or malformed payloads with HTTP 400, JSON error code
50035 ("Invalid Form Body") and a nested ``errors`` tree.  discord.py checks
almost none of these limits client-side, so a bot that builds a 26-field embed
only finds out in production.  The fake runs these validators on every message,
interaction response, modal and command sync, and answers exactly like Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

MESSAGE_CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
COMPONENTS_PER_ROW = 5
COMPONENTS_V2_TOTAL = 40
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
SELECT_PLACEHOLDER = 150
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_VALUE = 4000
LABEL_DESCRIPTION = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
FILES_PER_MESSAGE = 10
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMANDS_PER_SCOPE = 100
COMMAND_TOTAL_CHARS = 8000

#: Flags a bot may set when creating a message (suppress embeds, silent, voice, components v2).
CREATABLE_MESSAGE_FLAGS = 4 | 4096 | 8192 | 32768
EPHEMERAL = 64
LOADING = 128
COMPONENTS_V2 = 32768

_NAME_RE = re.compile(r"^[-_\w]{1,32}$")

# Component types.
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
ENTITY_SELECTS = (5, 6, 7, 8)
SELECTS = (STRING_SELECT, *ENTITY_SELECTS)
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER = (
    9,
    10,
    11,
    12,
    13,
    14,
    17,
)
LABEL, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 18, 19, 21, 22, 23
MODAL_INPUTS = (TEXT_INPUT, *SELECTS, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX)


class FormErrors:
    """Collects field errors and renders Discord's nested ``errors`` tree."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[str, ...], str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        self.items.append((tuple(str(p) for p in path), code, message))

    def max_length(self, path: Sequence[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def bad_length(self, path: Sequence[str | int], value: Any, low: int, high: int) -> None:
        size = len(value) if isinstance(value, str | list) else 0
        if not low <= size <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def required(self, path: Sequence[str | int]) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def tree(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        for path, code, message in self.items:
            node = root
            for part in path:
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def summary(self) -> str:
        return "; ".join(
            f"{'.'.join(path) or '<root>'}: {message}" for path, _code, message in self.items
        )


def _text(obj: Any, key: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, str) else ""


def validate_embed(embed: Any, errors: FormErrors, path: tuple[str | int, ...]) -> int:
    """Validate one embed; return its character count towards the 6000 total."""
    if not isinstance(embed, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return 0
    title, description = _text(embed, "title"), _text(embed, "description")
    errors.max_length((*path, "title"), title, EMBED_TITLE)
    errors.max_length((*path, "description"), description, EMBED_DESCRIPTION)
    total = len(title) + len(description)
    fields = embed.get("fields") or []
    errors.max_length((*path, "fields"), fields, EMBED_FIELDS)
    for index, field in enumerate(fields if isinstance(fields, list) else []):
        name, value = _text(field, "name"), _text(field, "value")
        fpath = (*path, "fields", index)
        if not name:
            errors.required((*fpath, "name"))
        if not value:
            errors.required((*fpath, "value"))
        errors.max_length((*fpath, "name"), name, EMBED_FIELD_NAME)
        errors.max_length((*fpath, "value"), value, EMBED_FIELD_VALUE)
        total += len(name) + len(value)
    footer = embed.get("footer")
    if isinstance(footer, dict):
        text = _text(footer, "text")
        errors.max_length((*path, "footer", "text"), text, EMBED_FOOTER)
        total += len(text)
    author = embed.get("author")
    if isinstance(author, dict):
        name = _text(author, "name")
        errors.max_length((*path, "author", "name"), name, EMBED_AUTHOR)
        total += len(name)
    color = embed.get("color")
    if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
        errors.add((*path, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
    return total


def validate_message(
    data: dict[str, Any],
    errors: FormErrors,
    path: tuple[str | int, ...] = (),
    *,
    file_count: int = 0,
) -> None:
    """Validate the message fields present in ``data`` (create or edit payload)."""
    content = data.get("content")
    if content is not None:
        if not isinstance(content, str):
            errors.add((*path, "content"), "STRING_TYPE_CONVERT", "Could not interpret as string.")
        else:
            errors.max_length((*path, "content"), content, MESSAGE_CONTENT)
    embeds = data.get("embeds")
    if embeds is not None:
        if not isinstance(embeds, list):
            errors.add((*path, "embeds"), "LIST_TYPE_CONVERT", "Only iterables may be used.")
        else:
            errors.max_length((*path, "embeds"), embeds, EMBEDS_PER_MESSAGE)
            total = sum(
                validate_embed(e, errors, (*path, "embeds", i)) for i, e in enumerate(embeds)
            )
            if total > EMBED_TOTAL:
                errors.add(
                    (*path, "embeds"),
                    "MAX_EMBED_SIZE_EXCEEDED",
                    f"Embed size exceeds maximum size of {EMBED_TOTAL}",
                )
    flags = int(data.get("flags") or 0)
    v2 = bool(flags & COMPONENTS_V2)
    components = data.get("components")
    if components is not None:
        validate_components(components, errors, (*path, "components"), v2=v2)
    if v2 and (data.get("content") or data.get("embeds")):
        errors.add(
            (*path, "content"),
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used "
            "when using MessageFlags.IS_COMPONENTS_V2",
        )
    if file_count > FILES_PER_MESSAGE:
        errors.add(
            (*path, "files"), "BASE_TYPE_MAX_LENGTH", f"Must be {FILES_PER_MESSAGE} or fewer."
        )
    mentions = data.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                errors.add(
                    (*path, "allowed_mentions", kind),
                    "SET_TYPE_ALREADY_CONTAINS_VALUE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )


def iter_components(components: Any) -> Iterator[dict[str, Any]]:
    """Yield every component in a (possibly nested) component tree."""
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from iter_components(comp.get("components"))
        if isinstance(comp.get("component"), dict):
            yield from iter_components([comp["component"]])
        if isinstance(comp.get("accessory"), dict):
            yield from iter_components([comp["accessory"]])


def _validate_interactive(
    comp: dict[str, Any], errors: FormErrors, path: tuple[str | int, ...], seen: set[str]
) -> None:
    ctype = comp.get("type")
    custom_id = comp.get("custom_id")
    if isinstance(custom_id, str):
        errors.bad_length((*path, "custom_id"), custom_id, 1, CUSTOM_ID)
        if custom_id in seen:
            errors.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    if ctype == BUTTON:
        style = comp.get("style")
        label = comp.get("label")
        if style not in (1, 2, 3, 4, 5, 6):
            errors.add(
                (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
            )
        errors.max_length((*path, "label"), label, BUTTON_LABEL)
        if style == 5:
            if not comp.get("url"):
                errors.required((*path, "url"))
            if custom_id is not None:
                errors.add(
                    (*path, "custom_id"),
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A custom id cannot be specified for link buttons",
                )
        elif style != 6 and custom_id is None:
            errors.add(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                "A custom id is required",
            )
        if not label and not comp.get("emoji") and style != 6:
            errors.add(
                (*path, "label"),
                "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                "A label or emoji is required",
            )
    elif ctype in SELECTS:
        if custom_id is None:
            errors.required((*path, "custom_id"))
        errors.max_length((*path, "placeholder"), comp.get("placeholder"), SELECT_PLACEHOLDER)
        min_values, max_values = comp.get("min_values", 1), comp.get("max_values", 1)
        if not isinstance(min_values, int) or not 0 <= min_values <= SELECT_OPTIONS:
            errors.add((*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
        if not isinstance(max_values, int) or not 1 <= max_values <= SELECT_OPTIONS:
            errors.add((*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
        if ctype == STRING_SELECT:
            options = comp.get("options") or []
            errors.bad_length((*path, "options"), options, 1, SELECT_OPTIONS)
            values: set[str] = set()
            for index, option in enumerate(options if isinstance(options, list) else []):
                opath = (*path, "options", index)
                for key in ("label", "value", "description"):
                    errors.max_length((*opath, key), _text(option, key), SELECT_OPTION_TEXT)
                value = _text(option, "value")
                if value in values:
                    errors.add(
                        (*opath, "value"),
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Select option values must be unique",
                    )
                values.add(value)
            too_many = isinstance(max_values, int) and isinstance(options, list)
            if too_many and max_values > len(options):
                errors.add(
                    (*path, "max_values"),
                    "BASE_TYPE_MAX",
                    f"Must be less than or equal to {len(options)}.",
                )


def validate_components(
    components: Any, errors: FormErrors, path: tuple[str | int, ...], *, v2: bool = False
) -> None:
    """Validate message components (classic action rows, or Components V2 layouts)."""
    if not isinstance(components, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    seen: set[str] = set()
    if v2:
        total = sum(1 for _ in iter_components(components))
        if total > COMPONENTS_V2_TOTAL:
            errors.add(
                path, "BASE_TYPE_MAX_LENGTH", f"Must be {COMPONENTS_V2_TOTAL} or fewer in length."
            )
        for index, comp in enumerate(components):
            _walk_v2(comp, errors, (*path, index), seen)
        return
    errors.max_length(path, components, ACTION_ROWS)
    for index, row in enumerate(components):
        rpath = (*path, index)
        if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
            errors.add(
                (*rpath, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
            continue
        children = row.get("components") or []
        errors.bad_length((*rpath, "components"), children, 1, COMPONENTS_PER_ROW)
        has_select = any(isinstance(c, dict) and c.get("type") in SELECTS for c in children)
        if has_select and len(children) > 1:
            errors.add(
                (*rpath, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for cindex, comp in enumerate(children):
            cpath = (*rpath, "components", cindex)
            if not isinstance(comp, dict) or comp.get("type") not in (BUTTON, *SELECTS):
                errors.add(
                    (*cpath, "type"),
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
                )
                continue
            _validate_interactive(comp, errors, cpath, seen)


def _walk_v2(comp: Any, errors: FormErrors, path: tuple[str | int, ...], seen: set[str]) -> None:
    if not isinstance(comp, dict):
        return
    if comp.get("type") in (BUTTON, *SELECTS):
        _validate_interactive(comp, errors, path, seen)
    if comp.get("type") == TEXT_DISPLAY:
        errors.max_length((*path, "content"), comp.get("content"), 4000)
    for index, child in enumerate(comp.get("components") or []):
        _walk_v2(child, errors, (*path, "components", index), seen)
    if isinstance(comp.get("accessory"), dict):
        _walk_v2(comp["accessory"], errors, (*path, "accessory"), seen)


def _validate_text_input(
    comp: dict[str, Any], errors: FormErrors, path: tuple[str | int, ...], *, in_label: bool
) -> None:
    if comp.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    label = comp.get("label")
    if in_label:
        if label is not None:
            errors.add(
                (*path, "label"),
                "TEXT_INPUT_LABEL_NOT_ALLOWED",
                "label cannot be set on a text input inside a Label component",
            )
    elif not label:
        errors.required((*path, "label"))
    else:
        errors.bad_length((*path, "label"), label, 1, TEXT_INPUT_LABEL)
    errors.max_length((*path, "placeholder"), comp.get("placeholder"), TEXT_INPUT_PLACEHOLDER)
    value = comp.get("value")
    errors.max_length((*path, "value"), value, TEXT_INPUT_VALUE)
    min_length, max_length = comp.get("min_length"), comp.get("max_length")
    if min_length is not None and (
        not isinstance(min_length, int) or not 0 <= min_length <= TEXT_INPUT_VALUE
    ):
        errors.add((*path, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
    if max_length is not None and (
        not isinstance(max_length, int) or not 1 <= max_length <= TEXT_INPUT_VALUE
    ):
        errors.add((*path, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
    if isinstance(min_length, int) and isinstance(max_length, int) and min_length > max_length:
        errors.add(
            (*path, "min_length"),
            "BASE_TYPE_MAX",
            "min_length must be less than or equal to max_length.",
        )
    if isinstance(value, str) and isinstance(max_length, int) and len(value) > max_length:
        errors.add(
            (*path, "value"), "BASE_TYPE_MAX_LENGTH", f"Must be {max_length} or fewer in length."
        )


def validate_modal(data: Any, errors: FormErrors, path: tuple[str | int, ...]) -> None:
    """Validate an interaction MODAL (type 9) response payload."""
    if not isinstance(data, dict):
        errors.required(path)
        return
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str):
        errors.required((*path, "custom_id"))
    else:
        errors.bad_length((*path, "custom_id"), custom_id, 1, CUSTOM_ID)
    title = data.get("title")
    if not isinstance(title, str):
        errors.required((*path, "title"))
    else:
        errors.bad_length((*path, "title"), title, 1, MODAL_TITLE)
    components = data.get("components")
    if not isinstance(components, list):
        errors.required((*path, "components"))
        return
    errors.bad_length((*path, "components"), components, 1, MODAL_COMPONENTS)
    seen: set[str] = set()
    for index, comp in enumerate(components):
        cpath = (*path, "components", index)
        ctype = comp.get("type") if isinstance(comp, dict) else None
        if ctype == ACTION_ROW:
            children = comp.get("components") or []
            if len(children) != 1 or children[0].get("type") != TEXT_INPUT:
                errors.add(
                    (*cpath, "components"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Modal action rows must contain exactly one text input.",
                )
                continue
            _modal_input(children[0], errors, (*cpath, "components", 0), seen, in_label=False)
        elif ctype == LABEL:
            errors.bad_length((*cpath, "label"), comp.get("label") or "", 1, TEXT_INPUT_LABEL)
            errors.max_length((*cpath, "description"), comp.get("description"), LABEL_DESCRIPTION)
            inner = comp.get("component")
            if not isinstance(inner, dict) or inner.get("type") not in MODAL_INPUTS:
                errors.add(
                    (*cpath, "component", "type"),
                    "UNION_TYPE_CHOICES",
                    "Label component must wrap an input component.",
                )
                continue
            _modal_input(inner, errors, (*cpath, "component"), seen, in_label=True)
        elif ctype == TEXT_DISPLAY:
            errors.max_length((*cpath, "content"), comp.get("content"), 4000)
        else:
            errors.add(
                (*cpath, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1, 10, 18).',
            )


def _modal_input(
    comp: dict[str, Any],
    errors: FormErrors,
    path: tuple[str | int, ...],
    seen: set[str],
    *,
    in_label: bool,
) -> None:
    custom_id = comp.get("custom_id")
    if not isinstance(custom_id, str):
        errors.required((*path, "custom_id"))
    else:
        errors.bad_length((*path, "custom_id"), custom_id, 1, CUSTOM_ID)
        if custom_id in seen:
            errors.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    if comp.get("type") == TEXT_INPUT:
        _validate_text_input(comp, errors, path, in_label=in_label)
    elif comp.get("type") in SELECTS:
        _validate_interactive(comp, errors, path, set())


def validate_choices(data: Any, errors: FormErrors, path: tuple[str | int, ...]) -> None:
    """Validate an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (type 8) payload."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        errors.required((*path, "choices"))
        return
    errors.max_length((*path, "choices"), choices, AUTOCOMPLETE_CHOICES)
    for index, choice in enumerate(choices):
        cpath = (*path, "choices", index)
        errors.bad_length((*cpath, "name"), _text(choice, "name"), 1, CHOICE_NAME)
        value = choice.get("value") if isinstance(choice, dict) else None
        if isinstance(value, str):
            errors.max_length((*cpath, "value"), value, CHOICE_VALUE)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            errors.required((*cpath, "value"))


def _command_chars(node: dict[str, Any]) -> int:
    total = len(_text(node, "name")) + len(_text(node, "description"))
    for choice in node.get("choices") or []:
        total += len(_text(choice, "name")) + len(str(choice.get("value", "")))
    for option in node.get("options") or []:
        total += _command_chars(option)
    return total


def _validate_option(
    option: Any, errors: FormErrors, path: tuple[str | int, ...], depth: int
) -> None:
    if not isinstance(option, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    otype = option.get("type")
    name = _text(option, "name")
    if not _NAME_RE.match(name) or name != name.lower():
        errors.add(
            (*path, "name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name is invalid: {name!r}",
        )
    errors.bad_length((*path, "description"), _text(option, "description"), 1, COMMAND_DESCRIPTION)
    if otype not in range(1, 12):
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1..11).")
        return
    choices = option.get("choices")
    if choices:
        errors.max_length((*path, "choices"), choices, AUTOCOMPLETE_CHOICES)
        if option.get("autocomplete"):
            errors.add(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES",
                "Autocomplete cannot be enabled on options with choices",
            )
        for index, choice in enumerate(choices):
            errors.bad_length(
                (*path, "choices", index, "name"), _text(choice, "name"), 1, CHOICE_NAME
            )
    if otype in (1, 2):
        if (otype == 2 and depth > 0) or (otype == 1 and depth > 1):
            errors.add(
                (*path, "type"),
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Subcommands cannot be nested this deep",
            )
        _validate_option_list(
            option.get("options") or [], errors, (*path, "options"), depth + 1, otype
        )


def _validate_option_list(
    options: Any,
    errors: FormErrors,
    path: tuple[str | int, ...],
    depth: int,
    parent_type: int | None,
) -> None:
    if not isinstance(options, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    errors.max_length(path, options, COMMAND_OPTIONS)
    names: set[str] = set()
    seen_optional = False
    kinds = {o.get("type") in (1, 2) for o in options if isinstance(o, dict)}
    if len(kinds) > 1:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Subcommands and groups cannot be mixed with other option types",
        )
    for index, option in enumerate(options):
        opath = (*path, index)
        _validate_option(option, errors, opath, depth)
        if not isinstance(option, dict):
            continue
        if parent_type == 2 and option.get("type") != 1:
            errors.add(
                (*opath, "type"), "BASE_TYPE_CHOICES", "Groups may only contain subcommands."
            )
        name = _text(option, "name")
        if name in names:
            errors.add(
                (*opath, "name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(name)
        if option.get("type") not in (1, 2):
            if option.get("required"):
                if seen_optional:
                    errors.add(
                        (*opath, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
            else:
                seen_optional = True


def validate_commands(commands: Any, errors: FormErrors) -> None:
    """Validate a bulk-overwrite (PUT) list of application commands."""
    if not isinstance(commands, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    seen: set[tuple[int, str]] = set()
    per_type: dict[int, int] = {}
    for index, command in enumerate(commands):
        validate_command(command, errors, (index,))
        if not isinstance(command, dict):
            continue
        key = (int(command.get("type", 1)), _text(command, "name"))
        per_type[key[0]] = per_type.get(key[0], 0) + 1
        if key in seen:
            errors.add(
                (index, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[1]!r}",
            )
        seen.add(key)
    if per_type.get(1, 0) > COMMANDS_PER_SCOPE:
        errors.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {COMMANDS_PER_SCOPE} or fewer in length.")


def validate_command(command: Any, errors: FormErrors, path: tuple[str | int, ...] = ()) -> None:
    """Validate one application command definition."""
    if not isinstance(command, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    ctype = int(command.get("type", 1))
    name = _text(command, "name")
    if ctype == 1:
        if not _NAME_RE.match(name) or name != name.lower():
            errors.add(
                (*path, "name"),
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid: {name!r}",
            )
        errors.bad_length(
            (*path, "description"), _text(command, "description"), 1, COMMAND_DESCRIPTION
        )
        _validate_option_list(command.get("options") or [], errors, (*path, "options"), 0, None)
        if _command_chars(command) > COMMAND_TOTAL_CHARS:
            errors.add(
                path,
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_TOTAL_CHARS})",
            )
    else:
        errors.bad_length((*path, "name"), name, 1, COMMAND_NAME)
