/* A small YAML document tree for configuration loaders.
 *
 * libyaml's event API is turned into a tree of scalars, sequences and mappings; every node
 * keeps its 1-based source line and column (libyaml counts columns in characters, so a
 * Chinese character is one column) and its path from the root, e.g.
 * "business_lines.items[2].key". The helpers below let a loader read like a schema:
 *
 *	static const char *const keys[] = { "key", "zh", "en", NULL };
 *	if ((rc = kc_yaml_map_check(item, keys)) < 0 ||
 *	    (rc = kc_yaml_get_ident(&key, item, "key", KC_YAML_REQUIRED)) < 0 ||
 *	    (rc = kc_yaml_get_text(&zh, item, "zh", KC_YAML_REQUIRED)) < 0)
 *		return rc;
 *
 * Every failure sets the thread's last error through kc_error_set_at() with code
 * KISCRM_ECONFIG, the file, line and column of the offending node, its path as `field`
 * and its text as `value`, and a message such as
 * "dimensions.yaml:12:7: business_lines.items[2].key: duplicate key 'direct'".
 *
 * What the parser refuses (each with its position): syntax errors, invalid UTF-8, more
 * than one document, anchors and aliases, mapping keys that are not scalars, duplicate
 * mapping keys, scalars containing a NUL character and nesting deeper than
 * KC_YAML_MAX_DEPTH.
 *
 * Null: a plain (unquoted) scalar that is empty, "~" or "null"/"Null"/"NULL" is a null
 * value. For the kc_yaml_get_* helpers a null value counts as absent: an optional key
 * keeps its default, a required key is reported as missing its value.
 */
#ifndef KC_YAML_TREE_H
#define KC_YAML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "kiscrm/common.h"

/* Deepest nesting of sequences and mappings accepted. */
#define KC_YAML_MAX_DEPTH 64

typedef enum kc_yaml_kind {
	KC_YAML_SCALAR = 1,
	KC_YAML_SEQUENCE = 2,
	KC_YAML_MAPPING = 3
} kc_yaml_kind;

/* Flags of the kc_yaml_get_* helpers. */
#define KC_YAML_OPTIONAL 0u /* absent or null: *out is left untouched, KISCRM_OK */
#define KC_YAML_REQUIRED 1u /* absent or null: KISCRM_ECONFIG "missing required key" */

typedef struct kc_yaml_doc kc_yaml_doc;
typedef struct kc_yaml_node kc_yaml_node;

/* A node. Everything is owned by the document and read-only for loaders. */
struct kc_yaml_node {
	kc_yaml_kind kind;
	int line;                 /* 1-based line of the node's first character */
	int column;               /* 1-based column, in characters */
	char *path;               /* "" for the root, "a.b[3].c" below it */
	const kc_yaml_doc *doc;   /* owning document (for the file name in errors) */

	/* KC_YAML_SCALAR */
	char *text;               /* NUL-terminated, never NULL; no NUL inside */
	size_t len;               /* strlen(text) */
	int is_null;              /* plain "", "~", "null", "Null" or "NULL" */

	/* KC_YAML_SEQUENCE: items[0..count); KC_YAML_MAPPING: keys[i] (scalars, unique)
	 * maps to items[i], in document order. */
	size_t count;
	size_t cap;
	kc_yaml_node **items;
	kc_yaml_node **keys;
};

struct kc_yaml_doc {
	char *file;               /* name used in error messages */
	kc_yaml_node *root;       /* never NULL; an empty document is an empty mapping at 1:1 */
};

/* --- Documents ------------------------------------------------------------------------ */

/*
 * Parses @len bytes of @data (UTF-8 YAML, one document) into a new tree.
 * @file is copied and names the document in errors (e.g. "data/roles.yaml").
 * Returns KISCRM_OK, KISCRM_ECONFIG (syntax or structure error, with position),
 * KISCRM_EINVALID (NULL arguments) or KISCRM_ENOMEM. On error *out is NULL.
 */
int kc_yaml_parse(kc_yaml_doc **out, const char *file, const char *data, size_t len);

/* Frees a document and all its nodes. @doc may be NULL. */
void kc_yaml_doc_free(kc_yaml_doc *doc);

/* --- Errors ------------------------------------------------------------------------- */

/*
 * Reports an error at @node: sets KISCRM_ECONFIG with the node's file, line and column,
 * its path as field and (for scalars) its text as value; the message is
 * "<file>:<line>:<column>: <path>: <formatted text>". Returns KISCRM_ECONFIG, so that
 * loaders write `return kc_yaml_error(node, "duplicate key '%s'", node->text);`.
 */
int kc_yaml_error(const kc_yaml_node *node, const char *fmt, ...) KC_PRINTF(2, 3);

/* As kc_yaml_error() with an explicit field and value (each may be NULL: then the path
 * is left out of the message), for errors about something that is not a node of its own,
 * such as a missing key reported at its mapping. */
int kc_yaml_error_ex(const kc_yaml_node *node, const char *field, const char *value,
		     const char *fmt, ...) KC_PRINTF(4, 5);

/* --- Structure ------------------------------------------------------------------------ */

/* Name of a kind for messages: "scalar", "sequence", "mapping". */
const char *kc_yaml_kind_name(kc_yaml_kind kind);

/* KISCRM_OK if @node is of @kind, else an error "expected a <kind>, found a <kind>". */
int kc_yaml_expect(const kc_yaml_node *node, kc_yaml_kind kind);

/*
 * Checks that @map is a mapping whose keys are all in the NULL-terminated list @allowed;
 * an unknown key (a typo) is an error at that key: "unknown key 'strcit' (expected one of:
 * strict, items)".
 */
int kc_yaml_map_check(const kc_yaml_node *map, const char *const *allowed);

/* The value of @key in mapping @map, or NULL if absent (or @map is not a mapping). */
const kc_yaml_node *kc_yaml_map_get(const kc_yaml_node *map, const char *key);

/* The key node of @key in @map (for errors about the key itself), or NULL. */
const kc_yaml_node *kc_yaml_map_key(const kc_yaml_node *map, const char *key);

/* Number of items of a sequence or entries of a mapping; 0 for a scalar or NULL. */
size_t kc_yaml_count(const kc_yaml_node *node);

/* Item @i of a sequence (or value @i of a mapping), NULL if out of range. */
const kc_yaml_node *kc_yaml_item(const kc_yaml_node *node, size_t i);

/* 1 if @node is a non-null scalar whose text is exactly @text, else 0. */
int kc_yaml_scalar_is(const kc_yaml_node *node, const char *text);

/*
 * Child mapping / sequence of @map under @key. Absent or null with KC_YAML_OPTIONAL:
 * *out = NULL and KISCRM_OK. Present but of another kind: error at the value.
 */
int kc_yaml_get_map(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags);
int kc_yaml_get_seq(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags);

/* --- Scalars of a node ---------------------------------------------------------------------
 * Each converts one node; on error *out is untouched and the error names the node. A
 * null node is an error ("missing value"). */

/* Any scalar text (borrowed from the document); may be empty only if quoted. */
int kc_yaml_str(const char **out, const kc_yaml_node *node);

/* Non-empty, valid UTF-8 display text (borrowed). */
int kc_yaml_text(const char **out, const kc_yaml_node *node);

/* An identifier: 1..64 characters of [a-z0-9_] (borrowed). */
int kc_yaml_ident(const char **out, const kc_yaml_node *node);

/* A decimal integer (optional sign, digits only) within [min, max]. */
int kc_yaml_int(int64_t *out, const kc_yaml_node *node, int64_t min, int64_t max);

/* A boolean: true/false, yes/no, on/off (any case); 1 or 0. */
int kc_yaml_bool(int *out, const kc_yaml_node *node);

/*
 * Money as decimal text or a YAML number, parsed exactly by kiscrm_money_parse() with
 * @decimals minor digits; trailing zeros of the fraction are ignored, so "500000.00" is
 * accepted with 0 decimals. The value must lie within [min, max].
 */
int kc_yaml_money(kiscrm_money *out, const kc_yaml_node *node, int decimals, kiscrm_money min,
		  kiscrm_money max);

/*
 * A percentage in basis points within [min_bp, max_bp]: "5%", "5", "12.5 %", "0.25"
 * (at most two decimals; 5% = 500 bp).
 */
int kc_yaml_percent_bp(int *out, const kc_yaml_node *node, int min_bp, int max_bp);

/*
 * One of the NULL-terminated @names; *out is its index. The error lists the names.
 */
int kc_yaml_enum(int *out, const kc_yaml_node *node, const char *const *names);

/* --- Scalars of a mapping ----------------------------------------------------------------
 * As above for the value of @key in @map, with KC_YAML_OPTIONAL or KC_YAML_REQUIRED:
 * an optional absent (or null) key leaves *out untouched and returns KISCRM_OK, so the
 * caller stores the default first. A missing required key is reported at the mapping with
 * field "<path>.<key>". */

int kc_yaml_get_str(const char **out, const kc_yaml_node *map, const char *key,
		    unsigned int flags);
int kc_yaml_get_text(const char **out, const kc_yaml_node *map, const char *key,
		     unsigned int flags);
int kc_yaml_get_ident(const char **out, const kc_yaml_node *map, const char *key,
		      unsigned int flags);
int kc_yaml_get_int(int64_t *out, const kc_yaml_node *map, const char *key, unsigned int flags,
		    int64_t min, int64_t max);
int kc_yaml_get_bool(int *out, const kc_yaml_node *map, const char *key, unsigned int flags);
int kc_yaml_get_money(kiscrm_money *out, const kc_yaml_node *map, const char *key,
		      unsigned int flags, int decimals, kiscrm_money min, kiscrm_money max);
int kc_yaml_get_percent_bp(int *out, const kc_yaml_node *map, const char *key,
			   unsigned int flags, int min_bp, int max_bp);
int kc_yaml_get_enum(int *out, const kc_yaml_node *map, const char *key, unsigned int flags,
		     const char *const *names);

/*
 * Looks @key up for a required/optional check without converting it: *out is the value
 * node, or NULL when absent or null (KC_YAML_OPTIONAL). Useful for values with special
 * words, e.g. `max_discount: unlimited`.
 */
int kc_yaml_get_node(const kc_yaml_node **out, const kc_yaml_node *map, const char *key,
		     unsigned int flags);

#endif
