"""Indexer decorators: ``@toplevel`` and ``@sublevel`` (docs/behaviour.md#keys).

A ``@toplevel`` class is a frozen, ordered dataclass whose instances ("keys") name
datasets of a :class:`oups.store.Store`. Every rule about keys runs in the C++ core
(``oups::IndexerSchema``), so Python and C++ agree by construction:

* at decoration, the declared fields (annotations resolved with
  ``typing.get_type_hints``; ``int`` -> int64, ``dataclass`` -> sub-level, anything else
  -> str) become the class's *declared* schema, used by ``from_path`` / ``from_str`` and
  ``depth``;
* at construction, the runtime values are checked value by value in level order
  (record position, then the text rules of the core's ``ValidateText``, then the
  int/str type and the 64-bit range), then the key is built by the core from a schema
  of the runtime value types, which gives ``to_path()`` and ``str()``. Declared
  annotations are therefore not enforced (as in the original): a value whose runtime
  type differs from its annotation is valid but does not round-trip through parsing.

Pickling rebuilds a key with ``from_str(str(key))``.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import sys
import typing
import weakref

from . import _oups

__all__ = ["toplevel", "sublevel", "is_toplevel"]

_READ_ONLY = ("field_sep", "fields_sep", "depth")


class _ToplevelMeta(type):
    """Metaclass giving toplevel classes read-only class properties."""

    @property
    def field_sep(cls) -> str:
        return cls._oups_sep

    @property
    def fields_sep(cls) -> str:
        return cls._oups_sep

    @property
    def depth(cls) -> int:
        return _depth_of(cls)

    def __setattr__(cls, name, value):
        # Rebuilding the class from its dict (cloudpickle pickles local classes by value)
        # re-installs the instance properties made by @toplevel; any other assignment is
        # refused.
        if name in _READ_ONLY:
            if _is_own_property(cls, name, value):
                return  # already in the class dict (the class was made with it)
            raise AttributeError(f"cannot set attribute '{name}' of {cls.__name__}: read-only.")
        super().__setattr__(name, value)
        if name == "__dataclass_fields__":
            _repair_fields(cls)

    def __delattr__(cls, name):
        if name in _READ_ONLY:
            raise AttributeError(f"cannot delete attribute '{name}' of {cls.__name__}: read-only.")
        super().__delattr__(name)


_FIELD_KINDS = {repr(s): s for s in (dataclasses._FIELD, dataclasses._FIELD_CLASSVAR,
                                     dataclasses._FIELD_INITVAR)}


def _repair_fields(cls, seen=None) -> None:
    """Re-attach unpickled dataclass fields to the dataclasses module's field kinds.

    A class pickled by value (cloudpickle < 3 does so for local classes) comes back with
    copies of the private field-kind markers, so dataclasses.fields() sees no field. This
    repairs `cls` and the record classes its fields declare, in place."""
    seen = set() if seen is None else seen
    for f in getattr(cls, "__dataclass_fields__", {}).values():
        kind = getattr(f, "_field_type", None)
        real = _FIELD_KINDS.get(repr(kind))
        if real is not None and kind is not real:
            f._field_type = real
        t = f.type
        if isinstance(t, type) and dataclasses.is_dataclass(t) and t not in seen:
            seen.add(t)
            _repair_fields(t, seen)


def _is_own_property(cls, name, value) -> bool:
    """True when `value` is the property @toplevel installs as `name` (or a copy of it)."""
    if not isinstance(value, property) or value.fget is None:
        return False
    current = cls.__dict__.get(name)
    return isinstance(current, property) and current.fget is not None and \
        current.fget.__qualname__ == value.fget.__qualname__


def _is_record_instance(value) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _resolve_annotations(cls, localns) -> None:
    """Replace postponed (string) annotations of dataclass `cls` by the objects they name,
    looked up in its module and in `localns` (the namespace where it was decorated), so
    that local classes resolve and a copy pickled by value (cloudpickle) keeps them."""
    module = sys.modules.get(cls.__module__)
    globalns = dict(vars(module)) if module is not None else {}
    namespace = dict(localns or {})
    annotations = cls.__dict__.get("__annotations__", {})
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name, ann in list(annotations.items()):
        if not isinstance(ann, str):
            continue
        try:
            value = eval(ann, globalns, namespace)  # noqa: S307 (the class's own annotation)
        except Exception:
            continue
        annotations[name] = value
        if name in fields:
            fields[name].type = value


def _caller_namespace(depth: int) -> dict:
    """Locals of the frame `depth` levels above the caller (the decoration site)."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return {}
    return dict(frame.f_locals)


def _hints(cls) -> dict:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # unresolvable postponed annotations: keep what is there
        return dict(getattr(cls, "__annotations__", {}))


def _declared_fields(cls) -> list:
    """Field specs of the declared schema, as the core's IndexerSchema.make takes them."""
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        t = hints.get(f.name, f.type)
        if isinstance(t, type) and dataclasses.is_dataclass(t):
            out.append((f.name, "sub", t.__name__, _declared_fields(t)))
        elif t is int:
            out.append((f.name, "int"))
        else:
            out.append((f.name, "str"))
    return out


def _declared_depth(cls) -> int:
    """1 + nested record types reached through the declared type of the last field."""
    depth = 1
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    while fields:
        t = hints.get(fields[-1].name, fields[-1].type)
        if not (isinstance(t, type) and dataclasses.is_dataclass(t)):
            break
        depth += 1
        hints = _hints(t)
        fields = dataclasses.fields(t)
    return depth


def _runtime_levels(key, schema) -> tuple:
    """Own values of each level of `key`, validated value by value (docs/behaviour.md#keys)."""
    levels = []
    shapes = []
    record = key
    while record is not None:
        values = [getattr(record, f.name) for f in dataclasses.fields(record)]
        own = []
        shape = []
        nxt = None
        for i, v in enumerate(values):
            if _is_record_instance(v):
                if i == 0:
                    raise TypeError("a dataclass instance cannot be the only field of a level.")
                if i != len(values) - 1:
                    raise TypeError("a dataclass instance is only possible in last position.")
                nxt = v
                continue
            schema.validate_text(str(v))  # separator, '/', '.', empty
            _oups.IndexerSchema.check_value(v)  # exactly int (64 bits) or str
            own.append(v)
            shape.append((dataclasses.fields(record)[i].name, "int" if type(v) is int else "str"))
        levels.append(own)
        sub_name = dataclasses.fields(record)[-1].name if nxt is not None else None
        shapes.append((type(record).__name__, tuple(shape), sub_name))
        record = nxt
    return levels, tuple(shapes)


def _runtime_schema(cls, shapes):
    """Core schema of a key's runtime value types (cached per class and shape)."""
    cache = _cache(cls)["runtime"]
    schema = cache.get(shapes)
    if schema is None:
        fields = None
        for j in range(len(shapes) - 1, -1, -1):
            name, own, sub_name = shapes[j]
            level = list(own)
            if fields is not None:
                level.append((sub_name, "sub", shapes[j + 1][0], fields))
            fields = level
        schema = _oups.IndexerSchema.make(shapes[0][0], fields, cls._oups_sep)
        cache[shapes] = schema
    return schema


def _listing_plan(cls):
    """Per level, (record class, field names), to build keys of `cls` found on disk without
    running ``__post_init__`` (their values were validated by the core when it parsed the
    path); None when a level has a user ``__post_init__`` or a field outside ``__init__``,
    which the plain constructor must then run. Cached per class."""
    cache = _cache(cls)
    if "listing_plan" not in cache:
        plan = []
        record_cls = cls
        while record_cls is not None:
            fields = dataclasses.fields(record_cls)
            user_post = (record_cls is cls and getattr(cls, "_oups_user_post_init", True)) or (
                record_cls is not cls and "__post_init__" in record_cls.__dict__)
            if user_post or any(not f.init for f in fields) or record_cls.__dictoffset__ == 0:
                plan = None
                break
            hints = _hints(record_cls)
            last = hints.get(fields[-1].name, fields[-1].type)
            sub = last if isinstance(last, type) and dataclasses.is_dataclass(last) else None
            plan.append((record_cls, tuple(f.name for f in fields)))
            record_cls = sub
        cache["listing_plan"] = plan
    return cache["listing_plan"]


def _key_from_listing(cls, levels):
    """The key of `cls` of level values `levels`, as the store listed them (None if they do
    not fit `cls`): fields set directly; the core key (``_oups_key``) is made when first
    needed (docs/behaviour.md#discovery)."""
    plan = _listing_plan(cls)
    if plan is None or len(plan) != len(levels):
        return _build_key(cls, levels)
    record = None
    for j in range(len(plan) - 1, -1, -1):
        record_cls, names = plan[j]
        values = list(levels[j])
        if record is not None:
            values.append(record)
        if len(values) != len(names):
            return _build_key(cls, levels)
        obj = object.__new__(record_cls)
        obj.__dict__.update(zip(names, values))
        record = obj
    return record


def _keys_from_listing(cls, all_levels):
    """Keys of `cls` for every entry of `all_levels` (a store listing), in order, skipping
    those that do not fit `cls`; as _key_from_listing with the per-class work done once."""
    plan = _listing_plan(cls)
    if plan is None:
        return [k for k in (_build_key(cls, lv) for lv in all_levels) if k is not None]
    new = object.__new__
    out = []
    append = out.append
    depth = len(plan)
    if depth == 1:
        record_cls, names = plan[0]
        n = len(names)
        for levels in all_levels:
            values = levels[0]
            if len(levels) != 1 or len(values) != n:
                key = _build_key(cls, levels)
                if key is not None:
                    append(key)
                continue
            obj = new(record_cls)
            obj.__dict__.update(zip(names, values))
            append(obj)
        return out
    for levels in all_levels:
        key = _key_from_listing(cls, levels)
        if key is not None:
            append(key)
    return out


def _build_key(cls, levels):
    """A key of `cls` from the core key's level values (None if invalid)."""
    def build(record_cls, j):
        hints = _hints(record_cls)
        fields = dataclasses.fields(record_cls)
        args = list(levels[j])
        if j + 1 < len(levels):
            sub = hints.get(fields[-1].name, fields[-1].type)
            args.append(build(sub, j + 1))
        return record_cls(*args)

    try:
        return build(cls, 0)
    except (TypeError, ValueError):
        return None


class _KeyProperties:
    """Read-only properties of every key, from a base class importable by reference: a
    class pickled by value (cloudpickle, for classes of ``__main__`` or defined in a
    function) then carries no read-only attribute that unpickling would have to set."""

    __slots__ = ()

    def __getattr__(self, name):
        # Keys built from a store listing get their core key when first needed.
        if name != "_oups_key":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        levels, shapes = _runtime_levels(self, _text_schema(type(self)))
        key = _runtime_schema(type(self), shapes).make_key(levels)
        object.__setattr__(self, "_oups_key", key)
        return key

    @property
    def field_sep(self) -> str:
        """str: the separator between fields in ``str(key)`` and ``to_path()`` (read-only).

        Examples
        --------
        >>> from oups.store import toplevel
        >>> @toplevel(fields_sep=".")
        ... class Key:
        ...     city: str
        ...     year: int
        >>> Key("oslo", 2024).field_sep, Key.field_sep
        ('.', '.')
        """
        return type(self)._oups_sep

    @property
    def fields_sep(self) -> str:
        """str: same as :attr:`field_sep` (the spelling of the ``@toplevel`` keyword).

        Examples
        --------
        >>> from oups.store import toplevel
        >>> @toplevel
        ... class Key:
        ...     city: str
        >>> Key("oslo").fields_sep
        '-'
        """
        return type(self)._oups_sep

    @property
    def depth(self) -> int:
        """int: number of directory levels of the key's class (1 + nested levels).

        Examples
        --------
        >>> from oups.store import toplevel, sublevel
        >>> @sublevel
        ... class Sampling:
        ...     frequency: str
        >>> @toplevel
        ... class Measure:
        ...     quantity: str
        ...     city: str
        ...     sampling: Sampling
        >>> Measure("temperature", "berlin", Sampling("1D")).depth, Measure.depth
        (2, 2)
        """
        return _depth_of(type(self))


def _make_toplevel(cls, sep: str):
    namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    user_post_init = namespace.get("__post_init__")

    namespace["_oups_user_post_init"] = user_post_init is not None

    def __post_init__(self):
        if user_post_init is not None:
            user_post_init(self)
        levels, shapes = _runtime_levels(self, _text_schema(type(self)))
        key = _runtime_schema(type(self), shapes).make_key(levels)
        object.__setattr__(self, "_oups_key", key)

    def to_path(self) -> pathlib.Path:
        """The key's relative path: one directory per level.

        Returns
        -------
        pathlib.Path
            Each level's own fields joined by the separator, e.g.
            ``temperature-berlin/1D``.

        Examples
        --------
        >>> from oups.store import toplevel, sublevel
        >>> @sublevel
        ... class Sampling:
        ...     frequency: str
        >>> @toplevel
        ... class Measure:
        ...     quantity: str
        ...     city: str
        ...     sampling: Sampling
        >>> key = Measure("temperature", "berlin", Sampling("1D"))
        >>> key.to_path().as_posix(), str(key)
        ('temperature-berlin/1D', 'temperature-berlin-1D')
        """
        return pathlib.Path(self._oups_key.to_path())

    def __str__(self) -> str:
        return self._oups_key.to_string()

    def __reduce__(self):
        return (type(self).from_str, (str(self),))

    @classmethod
    def from_path(klass, path):
        """The key of a relative path, or None when it does not parse or validate.

        Parameters
        ----------
        path : str or os.PathLike
            A relative path with one component per level, as :meth:`to_path` makes.
            ``int`` fields accept only the canonical decimal form (no ``007``).

        Returns
        -------
        key or None

        Raises
        ------
        TypeError
            `path` is not a str or os.PathLike.

        Examples
        --------
        >>> from oups.store import toplevel
        >>> @toplevel
        ... class Key:
        ...     city: str
        ...     year: int
        >>> Key.from_path("oslo-2024")
        Key(city='oslo', year=2024)
        >>> Key.from_path("oslo-2024-extra") is None, Key.from_path("oslo-007") is None
        (True, True)
        """
        if isinstance(path, pathlib.PurePath):
            text = path.as_posix()
        elif isinstance(path, (str, os.PathLike)):
            text = os.fspath(path)
            if not isinstance(text, str):
                raise TypeError(f"'path' must be a str or os.PathLike of str, not {type(text)}.")
        else:
            raise TypeError(f"'path' must be a str or os.PathLike, not {type(path)}.")
        schema = _declared_schema(klass)
        if schema is None:
            return None
        key = schema.from_path(text)
        return None if key is None else _build_key(klass, key.levels())

    @classmethod
    def from_str(klass, string):
        """The key of a flat string (all fields joined by the separator), or None.

        Parameters
        ----------
        string : str
            As ``str(key)`` makes it.

        Returns
        -------
        key or None
            None when the piece count, a conversion or the validation fails.

        Raises
        ------
        TypeError
            `string` is not a str.

        Examples
        --------
        >>> from oups.store import toplevel, sublevel
        >>> @sublevel
        ... class Sampling:
        ...     frequency: str
        >>> @toplevel
        ... class Measure:
        ...     quantity: str
        ...     city: str
        ...     sampling: Sampling
        >>> Measure.from_str("temperature-berlin-1D")
        Measure(quantity='temperature', city='berlin', sampling=Sampling(frequency='1D'))
        """
        if not isinstance(string, str):
            raise TypeError(f"'string' must be a str, not {type(string)}.")
        schema = _declared_schema(klass)
        if schema is None:
            return None
        key = schema.from_string(string)
        return None if key is None else _build_key(klass, key.levels())

    namespace.update(
        __post_init__=__post_init__,
        to_path=to_path,
        __str__=__str__,
        __reduce__=__reduce__,
        from_path=from_path,
        from_str=from_str,
    )
    bases = cls.__bases__ if _KeyProperties in cls.__mro__ else (_KeyProperties,) + cls.__bases__
    if bases[-1:] == (object,) and len(bases) > 1:
        bases = bases[:-1]
    new_cls = _ToplevelMeta(cls.__name__, bases, namespace)
    new_cls = dataclasses.dataclass(order=True, frozen=True)(new_cls)
    type.__setattr__(new_cls, "_oups_sep", sep)
    return new_cls


# Core schemas of each toplevel class, built lazily and kept out of the class itself
# (so that pickling a class by value, as cloudpickle does for local classes, carries
# only plain data).
_SCHEMAS: "weakref.WeakKeyDictionary[type, dict]" = weakref.WeakKeyDictionary()


def _cache(cls) -> dict:
    cache = _SCHEMAS.get(cls)
    if cache is None:
        _repair_fields(cls)
        cache = _SCHEMAS[cls] = {"runtime": {}}
    return cache


def _declared_schema(cls):
    """The core schema of the declared fields, or None if they are not a valid indexer."""
    cache = _cache(cls)
    if "declared" not in cache:
        try:
            cache["declared"] = _oups.IndexerSchema.make(cls.__name__, _declared_fields(cls),
                                                         cls._oups_sep)
        except (TypeError, ValueError):
            cache["declared"] = None
    return cache["declared"]


def _text_schema(cls):
    """A one-field schema with the class's separator: the core's value-text rules."""
    cache = _cache(cls)
    if "text" not in cache:
        cache["text"] = _oups.IndexerSchema.make(cls.__name__, [("v", "str")], cls._oups_sep)
    return cache["text"]


def _depth_of(cls) -> int:
    schema = _declared_schema(cls)
    return schema.depth if schema is not None else _declared_depth(cls)


def toplevel(cls=None, *, field_sep=None, fields_sep=None):
    """Class decorator: make `cls` an indexer whose instances (keys) name datasets.

    The class becomes a frozen, ordered dataclass with ``to_path()``, ``str(key)``,
    ``from_path()``, ``from_str()`` and the read-only ``field_sep``/``fields_sep`` and
    ``depth``. Field values must be ``int`` (64-bit) or ``str`` without the separator,
    ``/`` or ``.``, not empty; the last field may be a ``@sublevel`` record, which
    makes a sub-directory (docs/behaviour.md#keys). Keys pickle and compare by value.
    Usable bare (``@toplevel``), called (``@toplevel()``) or with a separator.

    Parameters
    ----------
    cls : type, optional
        The class (given when used bare).
    field_sep, fields_sep : str, optional
        Separator between fields (default ``"-"``): non-empty, without ``/``. Give at
        most one of the two spellings.

    Returns
    -------
    type
        The decorated class (or, called without `cls`, the decorator).

    Raises
    ------
    ValueError
        An empty separator or one holding ``/``.
    TypeError
        Both spellings given. At key construction: a value of another type than
        int/str/record, or a record in a wrong position.

    Examples
    --------
    >>> from oups.store import toplevel
    >>> @toplevel
    ... class CityYear:
    ...     city: str
    ...     year: int
    >>> key = CityYear("berlin", 2023)
    >>> str(key), key.to_path().as_posix()
    ('berlin-2023', 'berlin-2023')
    >>> CityYear.from_str("paris-2024")
    CityYear(city='paris', year=2024)
    >>> CityYear("new-york", 2023)
    Traceback (most recent call last):
    ...
    ValueError: use of a forbidden character among ('-', '/', '.') is not possible in new-york.
    """
    if field_sep is not None and fields_sep is not None:
        raise TypeError("give the separator as 'fields_sep' or 'field_sep', not both.")
    sep = fields_sep if fields_sep is not None else field_sep
    name = "fields_sep" if fields_sep is not None else "field_sep"
    if sep is None:
        sep = "-"
    if not isinstance(sep, str):
        raise ValueError(f"'{name}' must be a non-empty str without '/', not {sep!r}.")
    if not sep or "/" in sep:
        raise ValueError(f"'{name}' must be a non-empty str without '/', not {sep!r}.")

    def wrap(c):
        new_cls = _make_toplevel(c, sep)
        _resolve_annotations(new_cls, _caller_namespace(1))
        return new_cls

    if cls is None:
        return wrap
    new_cls = _make_toplevel(cls, sep)
    _resolve_annotations(new_cls, _caller_namespace(1))
    return new_cls


def sublevel(cls):
    """Class decorator for a nested level of an indexer (a sub-directory).

    The same as ``dataclasses.dataclass(order=True, frozen=True)``. A ``@sublevel``
    record is the last field of a ``@toplevel`` class (or of another sub-level),
    after at least one other field; its values follow the toplevel's rules.

    Parameters
    ----------
    cls : type
        The class to decorate (bare use only).

    Returns
    -------
    type
        The frozen, ordered dataclass.

    Examples
    --------
    >>> from oups.store import toplevel, sublevel
    >>> @sublevel
    ... class Sampling:
    ...     frequency: str
    >>> @toplevel
    ... class Measure:
    ...     quantity: str
    ...     city: str
    ...     sampling: Sampling
    >>> Measure("temperature", "berlin", Sampling("1D")).to_path().as_posix()
    'temperature-berlin/1D'
    """
    new_cls = dataclasses.dataclass(order=True, frozen=True)(cls)
    _resolve_annotations(new_cls, _caller_namespace(1))
    return new_cls


def is_toplevel(obj) -> bool:
    """Whether `obj` is a ``@toplevel`` class or one of its keys.

    Parameters
    ----------
    obj : object

    Returns
    -------
    bool
        True when `obj` has a ``field_sep`` attribute and a callable ``from_path``
        (a ``@sublevel`` class is not toplevel).

    Examples
    --------
    >>> from oups.store import toplevel, sublevel, is_toplevel
    >>> @toplevel
    ... class Key:
    ...     city: str
    >>> @sublevel
    ... class Sub:
    ...     x: str
    >>> is_toplevel(Key), is_toplevel(Key("oslo")), is_toplevel(Sub)
    (True, True, False)
    """
    return hasattr(obj, "field_sep") and callable(getattr(obj, "from_path", None))
