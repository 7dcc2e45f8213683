/* libyaml events → a small tree with positions, plus schema-style accessors.
 *
 * The tree is built with an explicit stack (bounded by KC_YAML_MAX_DEPTH) so that hostile
 * input cannot exhaust the C stack. Every node is attached to its parent as soon as it is
 * created, so freeing the document always frees everything, on error paths too. */
#include "config/yaml_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "kiscrm/money.h"
#include "kiscrm/text.h"
#include "core/str.h"

#define MSG_MAX 768
#define FIELD_MAX 256
#define IDENT_MAX 64

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                                */

static const char *doc_file(const kc_yaml_node *node)
{
	return node && node->doc && node->doc->file ? node->doc->file : "<yaml>";
}

static int error_v(const kc_yaml_node *node, const char *field, const char *value,
		   const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	const char *file = doc_file(node);
	int line = node ? node->line : 0;
	int column = node ? node->column : 0;

	if (field && !*field)
		field = NULL; /* the root has no path */
	if (!fmt)
		fmt = "invalid value"; /* never happens; keeps gcc's sanitizer builds quiet */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (field)
		return kc_error_set_at(KISCRM_ECONFIG, file, line, column, field, value,
				       "%s:%d:%d: %s: %s", file, line, column, field, msg);
	return kc_error_set_at(KISCRM_ECONFIG, file, line, column, field, value, "%s:%d:%d: %s",
			       file, line, column, msg);
}

int kc_yaml_error(const kc_yaml_node *node, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = error_v(node, node ? node->path : NULL,
		     node && node->kind == KC_YAML_SCALAR ? node->text : NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int kc_yaml_error_ex(const kc_yaml_node *node, const char *field, const char *value,
		     const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = error_v(node, field, value, fmt, ap);
	va_end(ap);
	return rc;
}

/* "<path>.<key>" (or "<key>" at the root) for errors about a key that is absent. */
static void child_field(char *buf, size_t size, const kc_yaml_node *map, const char *key)
{
	if (map && map->path && *map->path)
		snprintf(buf, size, "%s.%s", map->path, key);
	else
		snprintf(buf, size, "%s", key);
}

/* "a, b, c" from a NULL-terminated list, truncated to fit. */
static void join_names(char *buf, size_t size, const char *const *names)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names && names[i]; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* ------------------------------------------------------------------------------------ */
/* Tree                                                                                  */

static void node_free(kc_yaml_node *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->count; i++) {
		node_free(node->items[i]);
		if (node->keys)
			node_free(node->keys[i]);
	}
	free(node->items);
	free(node->keys);
	free(node->text);
	free(node->path);
	free(node);
}

void kc_yaml_doc_free(kc_yaml_doc *doc)
{
	if (!doc)
		return;
	node_free(doc->root);
	free(doc->file);
	free(doc);
}

static kc_yaml_node *node_new(const kc_yaml_doc *doc, kc_yaml_kind kind, yaml_mark_t mark)
{
	kc_yaml_node *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->kind = kind;
	node->doc = doc;
	/* libyaml marks are 0-based and count characters. */
	node->line = mark.line < (size_t)INT32_MAX ? (int)mark.line + 1 : INT32_MAX;
	node->column = mark.column < (size_t)INT32_MAX ? (int)mark.column + 1 : INT32_MAX;
	return node;
}

/* Appends one slot to a collection; for mappings the key array grows alongside. */
static int node_grow(kc_yaml_node *parent)
{
	if (parent->count < parent->cap)
		return KISCRM_OK;
	size_t cap = parent->cap ? parent->cap * 2 : 4;
	kc_yaml_node **items = realloc(parent->items, cap * sizeof(*items));
	if (!items)
		return kc_error_oom();
	parent->items = items;
	if (parent->kind == KC_YAML_MAPPING) {
		kc_yaml_node **keys = realloc(parent->keys, cap * sizeof(*keys));
		if (!keys)
			return kc_error_oom();
		parent->keys = keys;
	}
	parent->cap = cap;
	return KISCRM_OK;
}

static int set_path(kc_yaml_node *node, const kc_yaml_node *parent, const char *key,
		    size_t index)
{
	char tmp[32];
	size_t plen = parent ? strlen(parent->path) : 0;
	size_t n;

	if (!parent) {
		node->path = kc_strdup("");
		return node->path ? KISCRM_OK : kc_error_oom();
	}
	if (!key) {
		snprintf(tmp, sizeof(tmp), "[%zu]", index);
		key = tmp;
	}
	n = plen + 1 + strlen(key) + 1;
	node->path = malloc(n);
	if (!node->path)
		return kc_error_oom();
	if (plen && key != tmp)
		snprintf(node->path, n, "%s.%s", parent->path, key);
	else
		snprintf(node->path, n, "%s%s", parent->path, key);
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Parser                                                                                */

typedef struct parse_state {
	yaml_parser_t parser;
	kc_yaml_doc *doc;
	const char *data;
	size_t len;
	kc_yaml_node *stack[KC_YAML_MAX_DEPTH];
	size_t depth;
	int documents;
	int have_root;
} parse_state;

/* Line and column of a byte offset, for reader errors that only give an offset. */
static void offset_position(const char *data, size_t len, size_t offset, int *line,
			    int *column)
{
	int l = 1, c = 1;

	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++; /* count characters, not continuation bytes */
		}
	}
	*line = l;
	*column = c;
}

static int parser_error(parse_state *st)
{
	const yaml_parser_t *p = &st->parser;
	const char *file = st->doc->file;
	const char *problem = p->problem ? p->problem : "unknown error";
	int line, column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return kc_error_oom();
	case YAML_READER_ERROR:
		offset_position(st->data, st->len, p->problem_offset, &line, &column);
		return kc_error_set_at(KISCRM_ECONFIG, file, line, column, NULL, NULL,
				       "%s:%d:%d: invalid input: %s", file, line, column, problem);
	default:
		line = (int)p->problem_mark.line + 1;
		column = (int)p->problem_mark.column + 1;
		if (p->context)
			return kc_error_set_at(KISCRM_ECONFIG, file, line, column, NULL, NULL,
					       "%s:%d:%d: syntax error: %s (%s started at line %d, column %d)",
					       file, line, column, problem, p->context,
					       (int)p->context_mark.line + 1,
					       (int)p->context_mark.column + 1);
		return kc_error_set_at(KISCRM_ECONFIG, file, line, column, NULL, NULL,
				       "%s:%d:%d: syntax error: %s", file, line, column, problem);
	}
}

/* Error at a position before the node exists (anchors, aliases, depth). */
static int mark_error(parse_state *st, yaml_mark_t mark, const char *value, const char *msg)
{
	const char *file = st->doc->file;
	int line = (int)mark.line + 1, column = (int)mark.column + 1;

	return kc_error_set_at(KISCRM_ECONFIG, file, line, column, NULL, value,
			       "%s:%d:%d: %s", file, line, column, msg);
}

static int is_null_text(const char *s, size_t len)
{
	return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* Attaches a new node to the collection on top of the stack (or makes it the root). The
 * node belongs to the tree even when this fails, except for the root-less case where
 * the caller frees it. */
static int attach(parse_state *st, kc_yaml_node *node)
{
	kc_yaml_node *parent;
	int rc;

	if (st->depth == 0) {
		if (st->have_root) { /* cannot happen: one document is enforced */
			node_free(node);
			return kc_error_set(KISCRM_ECONFIG, "%s: more than one root node",
					    st->doc->file);
		}
		st->doc->root = node;
		st->have_root = 1;
		return set_path(node, NULL, NULL, 0);
	}

	parent = st->stack[st->depth - 1];
	if ((rc = node_grow(parent)) < 0) {
		node_free(node);
		return rc;
	}

	if (parent->kind == KC_YAML_SEQUENCE) {
		parent->items[parent->count++] = node;
		return set_path(node, parent, NULL, parent->count - 1);
	}

	/* Mapping: a slot whose value is still NULL is waiting for its value. */
	if (parent->count > 0 && parent->items[parent->count - 1] == NULL) {
		const kc_yaml_node *key = parent->keys[parent->count - 1];
		parent->items[parent->count - 1] = node;
		return set_path(node, parent, key->text, 0);
	}

	/* This node is a key. */
	parent->keys[parent->count] = node;
	parent->items[parent->count] = NULL;
	parent->count++;
	if (node->kind != KC_YAML_SCALAR) {
		node->path = kc_strdup(parent->path);
		if (!node->path)
			return kc_error_oom();
		return kc_yaml_error(node, "mapping keys must be plain text, found a %s",
				     kc_yaml_kind_name(node->kind));
	}
	if ((rc = set_path(node, parent, node->text, 0)) < 0)
		return rc;
	for (size_t i = 0; i + 1 < parent->count; i++) {
		if (strcmp(parent->keys[i]->text, node->text) == 0)
			return kc_yaml_error(node, "duplicate key '%s' (first at line %d, column %d)",
					     node->text, parent->keys[i]->line,
					     parent->keys[i]->column);
	}
	return KISCRM_OK;
}

static int on_scalar(parse_state *st, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	kc_yaml_node *node;
	int rc;

	if (ev->data.scalar.anchor)
		return mark_error(st, ev->start_mark, (const char *)ev->data.scalar.anchor,
				  "anchors (&name) are not supported in configuration files");
	node = node_new(st->doc, KC_YAML_SCALAR, ev->start_mark);
	if (!node)
		return kc_error_oom();
	node->text = malloc(len + 1);
	if (!node->text) {
		node_free(node);
		return kc_error_oom();
	}
	if (len)
		memcpy(node->text, value, len);
	node->text[len] = '\0';
	node->len = len;
	node->is_null = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			is_null_text(node->text, len);
	if ((rc = attach(st, node)) < 0)
		return rc;
	/* "\0" escapes would silently truncate C strings. */
	if (strlen(node->text) != len)
		return kc_yaml_error_ex(node, node->path, NULL, "text contains a NUL character");
	return KISCRM_OK;
}

static int on_collection_start(parse_state *st, const yaml_event_t *ev, kc_yaml_kind kind)
{
	const yaml_char_t *anchor = kind == KC_YAML_MAPPING ? ev->data.mapping_start.anchor
							    : ev->data.sequence_start.anchor;
	kc_yaml_node *node;
	int rc;

	if (anchor)
		return mark_error(st, ev->start_mark, (const char *)anchor,
				  "anchors (&name) are not supported in configuration files");
	if (st->depth >= KC_YAML_MAX_DEPTH)
		return mark_error(st, ev->start_mark, NULL, "nesting is too deep");
	node = node_new(st->doc, kind, ev->start_mark);
	if (!node)
		return kc_error_oom();
	if ((rc = attach(st, node)) < 0)
		return rc;
	st->stack[st->depth++] = node;
	return KISCRM_OK;
}

static int on_event(parse_state *st, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (st->documents++ > 0)
			return mark_error(st, ev->start_mark, NULL,
					  "only one YAML document per file is allowed");
		return KISCRM_OK;
	case YAML_ALIAS_EVENT:
		return mark_error(st, ev->start_mark, (const char *)ev->data.alias.anchor,
				  "aliases (*name) are not supported in configuration files");
	case YAML_SCALAR_EVENT:
		return on_scalar(st, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(st, ev, KC_YAML_SEQUENCE);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(st, ev, KC_YAML_MAPPING);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (st->depth > 0)
			st->depth--;
		return KISCRM_OK;
	default:
		return KISCRM_OK;
	}
}

static int run_parser(parse_state *st)
{
	for (;;) {
		yaml_event_t ev;
		int rc, done;

		if (!yaml_parser_parse(&st->parser, &ev))
			return parser_error(st);
		rc = on_event(st, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (rc < 0)
			return rc;
		if (done)
			return KISCRM_OK;
	}
}

int kc_yaml_parse(kc_yaml_doc **out, const char *file, const char *data, size_t len)
{
	parse_state st;
	int rc;

	if (!out || !file || (!data && len))
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_parse: NULL argument");
	*out = NULL;

	memset(&st, 0, sizeof(st));
	st.data = data ? data : "";
	st.len = len;
	st.doc = calloc(1, sizeof(*st.doc));
	if (!st.doc)
		return kc_error_oom();
	st.doc->file = kc_strdup(file);
	if (!st.doc->file) {
		kc_yaml_doc_free(st.doc);
		return kc_error_oom();
	}
	if (!yaml_parser_initialize(&st.parser)) {
		kc_yaml_doc_free(st.doc);
		return kc_error_oom();
	}
	yaml_parser_set_input_string(&st.parser, (const unsigned char *)st.data, len);
	rc = run_parser(&st);
	yaml_parser_delete(&st.parser);

	if (rc == KISCRM_OK && !st.doc->root) {
		/* An empty file (or one with only comments) is an empty mapping. */
		yaml_mark_t start = { 0, 0, 0 };
		st.doc->root = node_new(st.doc, KC_YAML_MAPPING, start);
		if (!st.doc->root)
			rc = kc_error_oom();
		else
			rc = set_path(st.doc->root, NULL, NULL, 0);
	}
	if (rc < 0) {
		kc_yaml_doc_free(st.doc);
		return rc;
	}
	*out = st.doc;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Structure                                                                             */

const char *kc_yaml_kind_name(kc_yaml_kind kind)
{
	switch (kind) {
	case KC_YAML_SCALAR: return "scalar";
	case KC_YAML_SEQUENCE: return "sequence";
	case KC_YAML_MAPPING: return "mapping";
	default: return "node";
	}
}

int kc_yaml_expect(const kc_yaml_node *node, kc_yaml_kind kind)
{
	if (!node)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_expect: NULL node");
	if (node->kind == kind && !(kind == KC_YAML_SCALAR && node->is_null))
		return KISCRM_OK;
	if (node->kind == KC_YAML_SCALAR && node->is_null)
		return kc_yaml_error(node, "expected a %s, found no value", kc_yaml_kind_name(kind));
	if (node->kind == KC_YAML_SCALAR)
		return kc_yaml_error(node, "expected a %s, found the scalar '%s'",
				     kc_yaml_kind_name(kind), node->text);
	return kc_yaml_error(node, "expected a %s, found a %s", kc_yaml_kind_name(kind),
			     kc_yaml_kind_name(node->kind));
}

int kc_yaml_map_check(const kc_yaml_node *map, const char *const *allowed)
{
	int rc;

	if ((rc = kc_yaml_expect(map, KC_YAML_MAPPING)) < 0)
		return rc;
	for (size_t i = 0; i < map->count; i++) {
		const kc_yaml_node *key = map->keys[i];
		size_t j;

		for (j = 0; allowed && allowed[j]; j++)
			if (strcmp(allowed[j], key->text) == 0)
				break;
		if (!allowed || !allowed[j]) {
			char names[FIELD_MAX];
			join_names(names, sizeof(names), allowed);
			return kc_yaml_error(key, "unknown key '%s' (expected one of: %s)",
					     key->text, names);
		}
	}
	return KISCRM_OK;
}

static ptrdiff_t map_index(const kc_yaml_node *map, const char *key)
{
	if (!map || map->kind != KC_YAML_MAPPING || !key)
		return -1;
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->keys[i]->text, key) == 0)
			return (ptrdiff_t)i;
	return -1;
}

const kc_yaml_node *kc_yaml_map_get(const kc_yaml_node *map, const char *key)
{
	ptrdiff_t i = map_index(map, key);
	return i < 0 ? NULL : map->items[i];
}

const kc_yaml_node *kc_yaml_map_key(const kc_yaml_node *map, const char *key)
{
	ptrdiff_t i = map_index(map, key);
	return i < 0 ? NULL : map->keys[i];
}

size_t kc_yaml_count(const kc_yaml_node *node)
{
	return node && node->kind != KC_YAML_SCALAR ? node->count : 0;
}

const kc_yaml_node *kc_yaml_item(const kc_yaml_node *node, size_t i)
{
	return node && node->kind != KC_YAML_SCALAR && i < node->count ? node->items[i] : NULL;
}

int kc_yaml_scalar_is(const kc_yaml_node *node, const char *text)
{
	return node && text && node->kind == KC_YAML_SCALAR && !node->is_null &&
	       strcmp(node->text, text) == 0;
}

int kc_yaml_get_node(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		     unsigned int flags)
{
	const kc_yaml_node *node;
	int rc;

	if (!out || !key)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_get_node: NULL argument");
	*out = NULL;
	if ((rc = kc_yaml_expect(map, KC_YAML_MAPPING)) < 0)
		return rc;
	node = kc_yaml_map_get(map, key);
	if (node && !(node->kind == KC_YAML_SCALAR && node->is_null)) {
		*out = node;
		return KISCRM_OK;
	}
	if (!(flags & KC_YAML_REQUIRED))
		return KISCRM_OK;
	if (node)
		return kc_yaml_error(node, "required key '%s' has no value", key);

	char field[FIELD_MAX];
	child_field(field, sizeof(field), map, key);
	return kc_yaml_error_ex(map, field, NULL, "missing required key '%s'", key);
}

static int get_collection(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
			  unsigned int flags, kc_yaml_kind kind)
{
	const kc_yaml_node *node;
	int rc;

	if ((rc = kc_yaml_get_node(&node, map, key, flags)) < 0)
		return rc;
	if (node && (rc = kc_yaml_expect(node, kind)) < 0)
		return rc;
	*out = node;
	return KISCRM_OK;
}

int kc_yaml_get_map(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags)
{
	return get_collection(out, map, key, flags, KC_YAML_MAPPING);
}

int kc_yaml_get_seq(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags)
{
	return get_collection(out, map, key, flags, KC_YAML_SEQUENCE);
}

/* ------------------------------------------------------------------------------------ */
/* Scalars                                                                               */

int kc_yaml_str(const char **out, const kc_yaml_node *node)
{
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_str: NULL argument");
	if ((rc = kc_yaml_expect(node, KC_YAML_SCALAR)) < 0)
		return rc;
	*out = node->text;
	return KISCRM_OK;
}

int kc_yaml_text(const char **out, const kc_yaml_node *node)
{
	const char *s;
	size_t bad;
	int rc;

	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	if (node->len == 0)
		return kc_yaml_error(node, "text must not be empty");
	/* libyaml validates its input, but escapes in quoted text bypass the reader. */
	if (kiscrm_utf8_validate(s, node->len, &bad) != KISCRM_OK)
		return kc_yaml_error(node, "text is not valid UTF-8 (byte %zu)", bad);
	*out = s;
	return KISCRM_OK;
}

int kc_yaml_ident(const char **out, const kc_yaml_node *node)
{
	const char *s;
	int rc;

	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	if (node->len == 0 || node->len > IDENT_MAX)
		goto bad;
	for (size_t i = 0; i < node->len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			goto bad;
	}
	*out = s;
	return KISCRM_OK;
bad:
	return kc_yaml_error(node, "'%s' is not a valid key (use 1 to %d characters a-z, 0-9 and _)",
			     s, IDENT_MAX);
}

int kc_yaml_int(int64_t *out, const kc_yaml_node *node, int64_t min, int64_t max)
{
	const char *s, *p;
	uint64_t mag = 0;
	int neg = 0, rc;
	int64_t v;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_int: NULL argument");
	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	p = s;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return kc_yaml_error(node, "'%s' is not an integer", s);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return kc_yaml_error(node, "'%s' is not an integer", s);
		if (mag > (UINT64_MAX - 9) / 10)
			goto range;
		mag = mag * 10 + (uint64_t)(*p - '0');
	}
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			goto range;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			goto range;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		goto range;
	*out = v;
	return KISCRM_OK;
range:
	return kc_yaml_error(node, "%s is out of range (%lld..%lld)", s, (long long)min,
			     (long long)max);
}

int kc_yaml_bool(int *out, const kc_yaml_node *node)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	char low[8];
	const char *s;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_bool: NULL argument");
	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	if (node->len < sizeof(low)) {
		for (size_t i = 0; i <= node->len; i++)
			low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
		for (size_t i = 0; i < 3; i++) {
			if (strcmp(low, yes[i]) == 0) {
				*out = 1;
				return KISCRM_OK;
			}
			if (strcmp(low, no[i]) == 0) {
				*out = 0;
				return KISCRM_OK;
			}
		}
	}
	return kc_yaml_error(node, "'%s' is not a boolean (use true or false)", s);
}

/* Copies decimal text without the trailing zeros of its fraction ("500000.00" →
 * "500000"), which changes no value but lets it pass a stricter decimals check. Returns
 * 0 if the text does not fit. */
static int strip_fraction_zeros(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return 0;
	memcpy(buf, s, n + 1);
	if (!strchr(buf, '.'))
		return 1;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return 1;
}

int kc_yaml_money(kiscrm_money *out, const kc_yaml_node *node, int decimals, kiscrm_money min,
		  kiscrm_money max)
{
	char buf[64];
	const char *s;
	kiscrm_money v;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_money: NULL argument");
	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	if (!strip_fraction_zeros(buf, sizeof(buf), s))
		return kc_yaml_error(node, "'%s' is not a valid amount", s);
	rc = kiscrm_money_parse(&v, buf, decimals);
	if (rc == KISCRM_EOVERFLOW)
		return kc_yaml_error(node, "amount '%s' is too large", s);
	if (rc < 0)
		return kc_yaml_error(node, "'%s' is not a valid amount with at most %d decimals", s,
				     decimals);
	if (v < min || v > max) {
		char lo[32], hi[32];
		kiscrm_money_format(lo, sizeof(lo), min, decimals, 0);
		kiscrm_money_format(hi, sizeof(hi), max, decimals, 0);
		return kc_yaml_error(node, "amount '%s' is out of range (%s..%s)", s, lo, hi);
	}
	*out = v;
	return KISCRM_OK;
}

/* "5%", "12.5%" from basis points, for messages. */
static void format_bp(char *buf, size_t size, int bp)
{
	long v = bp < 0 ? -(long)bp : (long)bp;

	if (v % 100 == 0)
		snprintf(buf, size, "%s%ld%%", bp < 0 ? "-" : "", v / 100);
	else
		snprintf(buf, size, "%s%ld.%02ld%%", bp < 0 ? "-" : "", v / 100, v % 100);
}

int kc_yaml_percent_bp(int *out, const kc_yaml_node *node, int min_bp, int max_bp)
{
	char buf[64];
	const char *s;
	kiscrm_money v;
	size_t n;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_percent_bp: NULL argument");
	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	if (!strip_fraction_zeros(buf, sizeof(buf), s))
		goto bad;
	/* Drop a trailing '%' (and the spaces around it), then strip zeros again: "12.50 %". */
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '%') {
		buf[--n] = '\0';
		while (n > 0 && buf[n - 1] == ' ')
			buf[--n] = '\0';
		char tmp[64];
		memcpy(tmp, buf, n + 1);
		strip_fraction_zeros(buf, sizeof(buf), tmp);
	}
	/* Percent with two decimals is exactly basis points: "12.5" → 1250. */
	if (!buf[0] || strchr(buf, ',') || kiscrm_money_parse(&v, buf, 2) < 0)
		goto bad;
	if (v < min_bp || v > max_bp) {
		char lo[24], hi[24];
		format_bp(lo, sizeof(lo), min_bp);
		format_bp(hi, sizeof(hi), max_bp);
		return kc_yaml_error(node, "percentage '%s' is out of range (%s..%s)", s, lo, hi);
	}
	*out = (int)v;
	return KISCRM_OK;
bad:
	return kc_yaml_error(node,
			     "'%s' is not a percentage (write e.g. 5%% or 12.5%%, at most two decimals)",
			     s);
}

int kc_yaml_enum(int *out, const kc_yaml_node *node, const char *const *names)
{
	char list[FIELD_MAX];
	const char *s;
	int rc;

	if (!out || !names)
		return kc_error_set(KISCRM_EINVALID, "kc_yaml_enum: NULL argument");
	if ((rc = kc_yaml_str(&s, node)) < 0)
		return rc;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return KISCRM_OK;
		}
	}
	join_names(list, sizeof(list), names);
	return kc_yaml_error(node, "'%s' is not one of: %s", s, list);
}

/* ------------------------------------------------------------------------------------ */
/* Scalars of a mapping                                                                  */

int kc_yaml_get_str(const char **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_str(out, n);
}

int kc_yaml_get_text(const char **out, const kc_yaml_node *map, const char *key,
		     unsigned int flags)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_text(out, n);
}

int kc_yaml_get_ident(const char **out, const kc_yaml_node *map, const char *key,
		      unsigned int flags)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_ident(out, n);
}

int kc_yaml_get_int(int64_t *out, const kc_yaml_node *map, const char *key, unsigned int flags,
		    int64_t min, int64_t max)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_int(out, n, min, max);
}

int kc_yaml_get_bool(int *out, const kc_yaml_node *map, const char *key, unsigned int flags)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_bool(out, n);
}

int kc_yaml_get_money(kiscrm_money *out, const kc_yaml_node *map, const char *key,
		      unsigned int flags, int decimals, kiscrm_money min, kiscrm_money max)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_money(out, n, decimals, min, max);
}

int kc_yaml_get_percent_bp(int *out, const kc_yaml_node *map, const char *key,
			   unsigned int flags, int min_bp, int max_bp)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_percent_bp(out, n, min_bp, max_bp);
}

int kc_yaml_get_enum(int *out, const kc_yaml_node *map, const char *key, unsigned int flags,
		     const char *const *names)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc < 0 || !n ? rc : kc_yaml_enum(out, n, names);
}
