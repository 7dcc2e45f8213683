/* Exact money arithmetic on int64 minor units. No floating point anywhere: amounts are
 * parsed digit by digit into an unsigned magnitude, scaled and split with 128-bit
 * intermediates so that no realistic product can overflow. */
#include "core/sort.h"
#include "kiscrm/money.h"
#include "core/parse.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* gcc and clang provide 128-bit integers; __extension__ keeps -pedantic quiet. */
__extension__ typedef __int128 kc_i128;
__extension__ typedef unsigned __int128 kc_u128;

#define MAX_DECIMALS 6

/* Magnitude of INT64_MIN: the largest magnitude a negative amount may have. */
#define NEG_LIMIT ((uint64_t)INT64_MAX + 1u)

static const uint64_t pow10_tab[MAX_DECIMALS + 1] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u
};

/* Unsigned magnitude of any int64, INT64_MIN included (negating it as int64 is UB). */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* mag = mag * 10 + digit, or sets *overflow once the result would exceed limit (the
 * caller keeps scanning so that syntax errors are still reported as such). */
static void push_digit(uint64_t *mag, int digit, uint64_t limit, int *overflow)
{
	if (*overflow)
		return;
	if (*mag > (limit - (uint64_t)digit) / 10u) {
		*overflow = 1;
		return;
	}
	*mag = *mag * 10u + (uint64_t)digit;
}

/*
 * Reads the integer part "d{1,3}(,ddd)*" or plain "d+" starting at *pp into *mag and
 * advances *pp past it. Returns 0, or -1 for bad syntax.
 */
static int parse_integer(const char **pp, uint64_t *mag, uint64_t limit, int *overflow)
{
	const char *p = *pp;
	int first_group = 0;

	if (!is_digit(*p))
		return -1;
	while (is_digit(*p)) {
		push_digit(mag, *p - '0', limit, overflow);
		first_group++;
		p++;
	}
	/* With separators the leading group has 1..3 digits and every later one 3. */
	if (*p == ',' && first_group > 3)
		return -1;
	while (*p == ',') {
		p++;
		for (int i = 0; i < 3; i++) {
			if (!is_digit(p[i]))
				return -1;
			push_digit(mag, p[i] - '0', limit, overflow);
		}
		p += 3;
		if (is_digit(*p))
			return -1;
	}
	*pp = p;
	return 0;
}

/* The amount after its sign: @p points into @text (which the messages quote). */
static int parse_amount(kiscrm_money *out, const char *text, const char *p, int negative,
			int decimals)
{
	/* The magnitude may reach 2^63 only for negative amounts (INT64_MIN). */
	uint64_t limit = negative ? NEG_LIMIT : (uint64_t)INT64_MAX;
	uint64_t mag = 0;
	int overflow = 0;
	if (parse_integer(&p, &mag, limit, &overflow))
		return kc_error_set(KISCRM_EINVALID, "money value '%s' is not a valid amount",
				    text);

	/* Fraction: a '.' must be followed by 1..decimals digits ("7." is rejected as a
	 * likely typo). Extra digits are an error, never silently rounded. */
	int nfrac = 0;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return kc_error_set(KISCRM_EINVALID,
					    "money value '%s' has no digits after '.'", text);
		while (is_digit(*p)) {
			if (nfrac == decimals)
				return kc_error_set(KISCRM_EINVALID,
						    "money value '%s' has more than %d decimals",
						    text, decimals);
			push_digit(&mag, *p - '0', limit, &overflow);
			nfrac++;
			p++;
		}
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return kc_error_set(KISCRM_EINVALID, "money value '%s' is not a valid amount",
				    text);

	/* Append the missing fraction digits: "0.5" with 2 decimals is 50. */
	for (int i = nfrac; i < decimals; i++)
		push_digit(&mag, 0, limit, &overflow);
	if (overflow)
		return kc_error_set(KISCRM_EOVERFLOW,
				    "money value '%s' does not fit in 64-bit minor units", text);

	*out = negative ? (int64_t)(0u - mag) : (int64_t)mag;
	/* 0u - 2^63 converts to INT64_MIN on every two's complement target. */
	return KISCRM_OK;
}

int kiscrm_money_parse(kiscrm_money *out, const char *text, int decimals)
{
	if (!out || !text)
		return kc_error_set(KISCRM_EINVALID, "money parse: NULL argument");
	if (decimals < 0 || decimals > MAX_DECIMALS)
		return kc_error_set(KISCRM_EINVALID,
				    "money parse: decimals %d out of range 0..%d", decimals,
				    MAX_DECIMALS);

	const char *p = text;
	int negative = 0;

	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	return parse_amount(out, text, p, negative, decimals);
}

/* The yuan signs spreadsheets put in front of amounts: full-width ￥ (U+FFE5, what
 * Chinese Excel's currency format shows) and ¥ (U+00A5). */
static size_t yuan_sign(const char *p)
{
	/* strncmp, not memcmp: it stops at the NUL of a shorter text. */
	if (strncmp(p, "\xEF\xBF\xA5", 3) == 0)
		return 3;
	if (strncmp(p, "\xC2\xA5", 2) == 0)
		return 2;
	return 0;
}

int kc_money_parse_excel(kiscrm_money *out, const char *text, int decimals)
{
	if (!out || !text)
		return kc_error_set(KISCRM_EINVALID, "money parse: NULL argument");
	if (decimals < 0 || decimals > MAX_DECIMALS)
		return kc_error_set(KISCRM_EINVALID, "money parse: decimals %d out of range 0..%d",
				    decimals, MAX_DECIMALS);
	const char *p = text;
	int negative = 0, sign = 0;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-') {
		negative = *p++ == '-';
		sign = 1;
	}
	size_t n = yuan_sign(p);
	if (n) {
		p += n;
		while (*p == ' ')
			p++;
		if (!sign && (*p == '+' || *p == '-'))
			negative = *p++ == '-';
	}
	return parse_amount(out, text, p, negative, decimals);
}

int kc_int_parse_grouped(int64_t *out, const char *text)
{
	const char *p = text;
	int negative = 0, overflow = 0;
	uint64_t mag = 0;
	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	if (parse_integer(&p, &mag, negative ? NEG_LIMIT : (uint64_t)INT64_MAX, &overflow) || *p)
		return kc_error_set(KISCRM_EINVALID, "'%s' is not an integer (digits, optionally "
				    "grouped by three with commas: 1,234,567)", text);
	if (overflow)
		return kc_error_set(KISCRM_EOVERFLOW, "integer '%s' does not fit in 64 bits", text);
	*out = negative ? (int64_t)(0u - mag) : (int64_t)mag;
	return KISCRM_OK;
}

int kiscrm_money_format(char *buf, size_t size, kiscrm_money value, int decimals,
			unsigned int flags)
{
	if (!buf)
		return kc_error_set(KISCRM_EINVALID, "money format: NULL buffer");
	if (decimals < 0 || decimals > MAX_DECIMALS)
		return kc_error_set(KISCRM_EINVALID,
				    "money format: decimals %d out of range 0..%d", decimals,
				    MAX_DECIMALS);

	/* Built backwards into tmp: at most sign + 19 digits + 6 commas + '.' = 27 bytes. */
	char tmp[32];
	size_t n = 0;
	uint64_t mag = magnitude(value);
	uint64_t ipart = mag / pow10_tab[decimals];
	uint64_t fpart = mag % pow10_tab[decimals];

	for (int i = 0; i < decimals; i++) {
		tmp[n++] = (char)('0' + fpart % 10u);
		fpart /= 10u;
	}
	if (decimals > 0)
		tmp[n++] = '.';
	int digits = 0;
	do {
		if ((flags & KISCRM_MONEY_THOUSANDS) && digits > 0 && digits % 3 == 0)
			tmp[n++] = ',';
		tmp[n++] = (char)('0' + ipart % 10u);
		ipart /= 10u;
		digits++;
	} while (ipart > 0);
	if (value < 0)
		tmp[n++] = '-';

	if (size < n + 1)
		return kc_error_set(KISCRM_EINVALID,
				    "money format: buffer of %zu bytes too small, %zu needed", size,
				    n + 1);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return (int)n;
}

int kiscrm_money_scale(kiscrm_money *out, kiscrm_money amount, int64_t num, int64_t den)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "money scale: NULL output");
	if (den == 0)
		return kc_error_set(KISCRM_EINVALID, "money scale: zero denominator (%lld/0)",
				    (long long)num);

	/* |amount * num| <= 2^126, so the product and every step below fit in 128 bits. */
	kc_i128 p = (kc_i128)amount * num;
	kc_i128 q = p / den; /* truncates toward zero */
	kc_i128 r = p % den; /* same sign as p */
	kc_i128 ar = r < 0 ? -r : r;
	kc_i128 ad = den < 0 ? -(kc_i128)den : (kc_i128)den;

	/* Round half away from zero: move q one step away from zero when the dropped
	 * fraction |r|/|den| is at least one half. */
	if (2 * ar >= ad)
		q += ((p < 0) != (den < 0)) ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return kc_error_set(KISCRM_EOVERFLOW,
				    "money scale: %lld * %lld / %lld does not fit in 64 bits",
				    (long long)amount, (long long)num, (long long)den);
	*out = (int64_t)q;
	return KISCRM_OK;
}

struct split_rem {
	kc_u128 rem;
	size_t index;
};

/* Larger remainder first; equal remainders in index order, so the result is stable
 * whatever qsort's algorithm. */
static int cmp_rem(const void *a, const void *b)
{
	const struct split_rem *x = a, *y = b;
	if (x->rem != y->rem)
		return x->rem > y->rem ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

/*
 * Largest-remainder (Hamilton) split of |total|:
 *   1. every part gets floor(|total| * w_i / W) where W is the sum of weights;
 *   2. the k units left over (k < number of parts with a non-zero remainder) go, one
 *      each, to the parts with the largest remainders |total| * w_i mod W, ties to the
 *      lower index.
 * A negative total is split as the negation of the split of its magnitude, so the split
 * is symmetric and parts of -x are exactly the negated parts of x. Zero weights always
 * get 0: their remainder is 0, and enough parts have a non-zero remainder to take the
 * leftover units first.
 */
int kiscrm_money_split(kiscrm_money *parts, kiscrm_money total, const int64_t *weights,
		       size_t n)
{
	if (!parts || !weights || n == 0)
		return kc_error_set(KISCRM_EINVALID, "money split: NULL argument or no parts");

	kc_u128 wsum = 0;
	for (size_t i = 0; i < n; i++) {
		if (weights[i] < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "money split: weight %zu is negative (%lld)", i,
					    (long long)weights[i]);
		wsum += (kc_u128)weights[i]; /* n * 2^63 < 2^128: cannot wrap */
	}
	if (wsum == 0)
		return kc_error_set(KISCRM_EINVALID, "money split: all %zu weights are zero", n);
	if (n > SIZE_MAX / sizeof(struct split_rem))
		return kc_error_set(KISCRM_EOVERFLOW, "money split: %zu parts are too many", n);

	struct split_rem *rems = malloc(n * sizeof(*rems));
	if (!rems)
		return kc_error_oom();

	uint64_t mag = magnitude(total);
	uint64_t given = 0;
	for (size_t i = 0; i < n; i++) {
		/* mag * w <= 2^63 * (2^63 - 1) < 2^128; the share is <= mag. */
		kc_u128 prod = (kc_u128)mag * (uint64_t)weights[i];
		uint64_t share = (uint64_t)(prod / wsum);
		parts[i] = (int64_t)share; /* magnitude for now; sign applied below */
		given += share;
		rems[i].rem = prod % wsum;
		rems[i].index = i;
	}

	/* given <= mag because the floors sum to at most mag. */
	uint64_t left = mag - given;
	if (left > 0) {
		kc_sort(rems, n, sizeof(*rems), cmp_rem);
		for (uint64_t k = 0; k < left; k++)
			parts[rems[k].index] = (int64_t)((uint64_t)parts[rems[k].index] + 1u);
	}
	free(rems);

	/* Parts were stored as magnitudes; a magnitude of 2^63 (all of INT64_MIN in one
	 * part) was stored as INT64_MIN and negates back to itself via unsigned math. */
	if (total < 0)
		for (size_t i = 0; i < n; i++)
			parts[i] = (int64_t)(0u - (uint64_t)parts[i]);
	return KISCRM_OK;
}
