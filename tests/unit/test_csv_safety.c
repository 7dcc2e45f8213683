/* Safety of the CSV files the library writes and reads:
 *  - exports are written atomically (temporary file + rename) and never over the open
 *    database or its -wal/-shm/-journal; a failed export leaves the target as it was and
 *    no file behind;
 *  - text cells that a spreadsheet would run as formulas are neutralised with a leading
 *    quote, which every reader takes away again, so that round trips are exact;
 *  - the public CSV reader reports malformed input with file, line and column. */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- files ------------------------------------------------------------------------- */

typedef struct {
	char dir[64];
	char db_path[128];
	kiscrm_db *db;
} sqlite_fx;

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(strlen(text), fwrite(text, 1, strlen(text), fp));
	assert_int_equal(0, fclose(fp));
}

/* The whole file as a NUL-terminated string (caller frees); NULL if it does not exist. */
static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal((size_t)n, fread(s, 1, (size_t)n, fp));
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* Number of directory entries other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			chmod(path, 0700);
			remove_tree(path);
		} else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int sqlite_setup(void **state)
{
	sqlite_fx *f = calloc(1, sizeof(*f));
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kiscrm_safety_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db_path, sizeof(f->db_path), "%s/crm.db", f->dir);
	o.path = f->db_path;
	if (kiscrm_db_open(&f->db, &o) != KISCRM_OK)
		return -1;
	*state = f;
	return 0;
}

static int sqlite_teardown(void **state)
{
	sqlite_fx *f = *state;
	kiscrm_db_free(f->db);
	remove_tree(f->dir);
	free(f);
	return 0;
}

static void add_department(kiscrm_db *db, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_DEPARTMENT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, name));
	kc_test_insert(db, r);
}

static size_t departments(kiscrm_db *db)
{
	return (size_t)kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL);
}

/* Every path that names the open database or a companion file is refused, and the
 * database is untouched: same bytes, same records. */
static void test_export_refuses_database_files(void **state)
{
	sqlite_fx *f = *state;
	char path[256];
	add_department(f->db, "总部");
	add_department(f->db, "华北区");
	/* The -wal exists now (WAL mode, not checkpointed yet); -journal never does. */
	snprintf(path, sizeof(path), "%s-wal", f->db_path);
	assert_int_equal(0, access(path, F_OK));
	char *before = read_all(f->db_path);
	int files = entries(f->dir);

	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, f->db_path, NULL, NULL));
	assert_msg_has("it is the open database");
	assert_msg_has(f->db_path);

	static const char *const refused[] = { "%s-wal", "%s-shm", "%s-journal" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), refused[i], f->db_path);
		assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
		assert_msg_has("refusing to write");
	}
	/* The same files by other names: a relative detour, a hard link (same inode) and a
	 * symbolic link. */
	snprintf(path, sizeof(path), "%s/../%s/crm.db", f->dir, strrchr(f->dir, '/') + 1);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	snprintf(path, sizeof(path), "%s/./crm.db-journal", f->dir);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	snprintf(path, sizeof(path), "%s/hard.csv", f->dir);
	assert_int_equal(0, link(f->db_path, path));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	unlink(path);
	snprintf(path, sizeof(path), "%s/soft.csv", f->dir);
	assert_int_equal(0, symlink(f->db_path, path));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	unlink(path);

	/* Nothing was created, the database file has the same bytes and still reads. */
	assert_int_equal(files, entries(f->dir));
	char *after = read_all(f->db_path);
	assert_non_null(before);
	assert_non_null(after);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(2, departments(f->db));

	/* A sibling with a similar name is an ordinary target. */
	snprintf(path, sizeof(path), "%s/crm.db.csv", f->dir);
	assert_rc(KISCRM_OK, kiscrm_csv_export_file(f->db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	char *csv = read_all(path);
	assert_string_equal("id,name,parent_id,manager_id,code,partner_id\n1,总部,,,,\n2,华北区,,,,\n", csv);
	free(csv);
}

/* A contact whose birthday cannot be written as a date makes the export fail after the
 * header: the existing target keeps its bytes and mode, a new target is not created, and
 * no temporary file is left. */
static void test_export_failure_leaves_target(void **state)
{
	sqlite_fx *f = *state;
	char path[256];
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "长沙湘江物流"));
	kiscrm_id cust = kc_test_insert(f->db, r);
	r = kc_test_rec(KISCRM_KIND_CONTACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "王总"));
	/* 4,000,000 days after 1970 is in the year 12921: no YYYY-MM-DD. */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_BIRTHDAY, 4000000));
	kc_test_insert(f->db, r);
	int files = entries(f->dir);

	snprintf(path, sizeof(path), "%s/contacts.csv", f->dir);
	write_file(path, "precious\n");
	assert_int_equal(0, chmod(path, 0640));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_CONTACT, path, NULL, NULL));
	assert_msg_has("outside 1..9999");
	char *text = read_all(path);
	assert_string_equal("precious\n", text);
	free(text);
	assert_int_equal(files + 1, entries(f->dir));

	snprintf(path, sizeof(path), "%s/new.csv", f->dir);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_CONTACT, path, NULL, NULL));
	assert_int_equal(-1, access(path, F_OK));
	assert_int_equal(files + 1, entries(f->dir));

	/* A successful export replaces the file and keeps its permission bits; a new file
	 * gets 0666 less the umask. */
	snprintf(path, sizeof(path), "%s/contacts.csv", f->dir);
	assert_rc(KISCRM_OK, kiscrm_csv_export_file(f->db, KISCRM_KIND_CUSTOMER, path, NULL, NULL));
	struct stat st;
	assert_int_equal(0, stat(path, &st));
	assert_int_equal(0640, st.st_mode & 0777);
	text = read_all(path);
	assert_non_null(strstr(text, "长沙湘江物流"));
	free(text);
	mode_t old = umask(022);
	snprintf(path, sizeof(path), "%s/fresh.csv", f->dir);
	assert_rc(KISCRM_OK, kiscrm_csv_export_file(f->db, KISCRM_KIND_CUSTOMER, path, NULL, NULL));
	umask(old);
	assert_int_equal(0, stat(path, &st));
	assert_int_equal(0644, st.st_mode & 0777);
	assert_int_equal(files + 2, entries(f->dir));

	/* A directory is not a file to replace. */
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(f->db, KISCRM_KIND_CUSTOMER, f->dir, NULL, NULL));
	assert_msg_has("not a regular file");
}

/* Export into a directory the process may not write to: an error naming the path, and
 * nothing in the directory. Root may write anywhere, so as root the export runs in a
 * child that has become "nobody". */
static void test_export_unwritable_dir(void **state)
{
	sqlite_fx *f = *state;
	char ro[256], path[300];
	snprintf(ro, sizeof(ro), "%s/readonly", f->dir);
	assert_int_equal(0, mkdir(ro, 0555));
	assert_int_equal(0, chmod(ro, 0555));
	assert_int_equal(0, chmod(f->dir, 0755));
	snprintf(path, sizeof(path), "%s/departments.csv", ro);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
		kiscrm_db *db = NULL;
		o.backend = "memory";
		if (kiscrm_db_open(&db, &o) != KISCRM_OK)
			_exit(4);
		int rc = kiscrm_csv_export_file(db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL);
		int named = strstr(kiscrm_error_last()->message, path) != NULL;
		kiscrm_db_free(db);
		_exit(rc == KISCRM_ESTORAGE && named ? 0 : 5);
	}
	int status = 0;
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFEXITED(status));
	assert_int_equal(0, WEXITSTATUS(status));
	assert_int_equal(0, entries(ro));
}

/* --- formulas ------------------------------------------------------------------------ */

/* The values of the issue, and what the export writes for each (hand-written): one
 * leading quote where a spreadsheet would see a formula, quoting where RFC 4180 needs
 * it. */
static const struct {
	const char *value, *cell;
} formulas[] = {
	{ "=1+1", "'=1+1" },
	{ "+86 138", "'+86 138" },
	{ "-5", "'-5" },
	{ "@x", "'@x" },
	{ "\tx", "'\tx" },
	{ "\rx", "\"'\rx\"" },
	{ "'=already", "''=already" },
	{ "=SUM(A1,B1)", "\"'=SUM(A1,B1)\"" },
	{ "'plain", "'plain" },
	{ "a=b", "a=b" },
};
#define NFORMULAS (sizeof(formulas) / sizeof(formulas[0]))

static void add_contacts(kiscrm_db *db)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "Acme"));
	kiscrm_id cust = kc_test_insert(db, r);
	for (size_t i = 0; i < NFORMULAS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "c%zu", i);
		r = kc_test_rec(KISCRM_KIND_CONTACT);
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, cust));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_TITLE, formulas[i].value));
		kc_test_insert(db, r);
	}
}

static void test_export_neutralises_formulas(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_buf out = KISCRM_BUF_INIT, want = KISCRM_BUF_INIT;
	add_contacts(db);
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_CONTACT, NULL, NULL));
	/* id,customer_id,name,title,department,phone,email,birthday,chain_role,reports_to,
	 * attitude: the title is the fourth column. */
	const char *line = strchr(out.ptr, '\n') + 1;
	for (size_t i = 0; i < NFORMULAS; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%zu,1,c%zu,", i + 1, i);
		size_t hl = strlen(head), cl = strlen(formulas[i].cell);
		if (strncmp(line, head, hl) != 0 || strncmp(line + hl, formulas[i].cell, cl) != 0 ||
		    line[hl + cl] != ',')
			fail_msg("row %zu: expected %s%s, got %.40s", i + 1, head, formulas[i].cell, line);
		line = strstr(line + hl + cl, ",,,,,,,\n");
		assert_non_null(line);
		line += 8;
	}
	assert_int_equal('\0', *line);

	/* Raw: every value as it is (quoted only for RFC 4180). */
	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	o.flags = KISCRM_CSV_RAW_CELLS;
	out.size = 0;
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_CONTACT, NULL, &o));
	assert_non_null(strstr(out.ptr, "\n1,1,c0,=1+1,"));
	assert_non_null(strstr(out.ptr, "\n3,1,c2,-5,"));
	assert_non_null(strstr(out.ptr, "\n7,1,c6,'=already,"));
	assert_non_null(strstr(out.ptr, "\n8,1,c7,\"=SUM(A1,B1)\","));
	kiscrm_buf_dispose(&out);
	kiscrm_buf_dispose(&want);
}

/* Export → import into a fresh database → the same texts, byte for byte. */
static void test_formula_round_trip(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_buf cust = KISCRM_BUF_INIT, cont = KISCRM_BUF_INIT;
	add_contacts(db);
	assert_rc(KISCRM_OK, kiscrm_csv_export(&cust, db, KISCRM_KIND_CUSTOMER, NULL, NULL));
	assert_rc(KISCRM_OK, kiscrm_csv_export(&cont, db, KISCRM_KIND_CONTACT, NULL, NULL));
	kiscrm_db *fresh = kc_test_db_open(NULL);
	assert_non_null(fresh);
	kiscrm_import_options io = KISCRM_IMPORT_OPTIONS_INIT;
	io.flags = KISCRM_IMPORT_KEEP_IDS | KISCRM_IMPORT_RAW;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(NULL, NULL, fresh, KISCRM_KIND_CUSTOMER, cust.ptr,
						    cust.size, "customers.csv", &io));
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(NULL, NULL, fresh, KISCRM_KIND_CONTACT, cont.ptr,
						    cont.size, "contacts.csv", &io));
	for (size_t i = 0; i < NFORMULAS; i++) {
		kiscrm_record *r;
		assert_rc(KISCRM_OK, kiscrm_record_get(&r, fresh, KISCRM_KIND_CONTACT, (kiscrm_id)i + 1));
		kc_test_assert_text(r, KISCRM_CONTACT_TITLE, formulas[i].value);
		kiscrm_record_free(r);
	}
	kiscrm_db_free(fresh);
	kiscrm_buf_dispose(&cust);
	kiscrm_buf_dispose(&cont);
}

/* Numeric cells are never prefixed (a negative amount stays a number in the
 * spreadsheet), and an import strips a prefix another tool put in front of one. */
static void test_numbers_not_prefixed(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *t;
	kiscrm_buf out = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "t"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "-note", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "amount", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kiscrm_table_set_money_decimals(t, 2));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "-12.50"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, -1250));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 2, -7));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&out, t));
	assert_string_equal("'-note,amount,n\n'-12.50,-12.50,-7\n", out.ptr);
	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	o.flags = KISCRM_CSV_RAW_CELLS;
	out.size = 0;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&out, t, &o));
	assert_string_equal("-note,amount,n\n-12.50,-12.50,-7\n", out.ptr);
	kiscrm_table_free(t);
	kiscrm_buf_dispose(&out);

	/* '1500.00 is not a neutralised cell (1 is no trigger) and stays a bad amount; a
	 * quoted-out formula in front of a number is stripped in every column. */
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(NULL, NULL, db, KISCRM_KIND_DEPARTMENT,
						    "name\n总部\n", 11, NULL, NULL));
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(NULL, NULL, db, KISCRM_KIND_STAFF,
						    "name,department,role\n张伟,总部,sales_rep\n",
						    strlen("name,department,role\n张伟,总部,sales_rep\n"),
						    NULL, NULL));
	static const char opp[] = "name,owner,stage,amount,probability\nERP,张伟,opportunity,8000.00,'-0.5\n";
	kiscrm_table *errors = NULL;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(NULL, &errors, db, KISCRM_KIND_OPPORTUNITY,
							 opp, strlen(opp), "o.csv", NULL));
	/* The cell reached the field as -0.5 (the quote was taken away), which the
	 * probability refuses as a value, not as text. */
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_string_equal("-0.5", kiscrm_table_text(errors, 0, 2));
	kiscrm_table_free(errors);
}

static void test_write_row_and_options(void **state)
{
	(void)state;
	kiscrm_buf b = KISCRM_BUF_INIT;
	kiscrm_csv_write_options o;
	const char *row[] = { "@cmd", "a\"b", "", NULL, "x,y" };
	assert_rc(KISCRM_OK, kiscrm_csv_write_options_init(&o, KISCRM_CSV_WRITE_OPTIONS_VERSION));
	assert_int_equal(0, o.flags);
	assert_rc(KISCRM_OK, kiscrm_csv_write_row(&b, row, 5, &o));
	assert_rc(KISCRM_OK, kiscrm_csv_write_row(&b, row, 1, NULL));
	o.flags = KISCRM_CSV_RAW_CELLS;
	assert_rc(KISCRM_OK, kiscrm_csv_write_row(&b, row, 1, &o));
	assert_string_equal("'@cmd,\"a\"\"b\",,,\"x,y\"\n'@cmd\n@cmd\n", b.ptr);
	o.flags = 0x80;
	assert_rc(KISCRM_EINVALID, kiscrm_csv_write_row(&b, row, 1, &o));
	o.flags = 0;
	o.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_csv_write_row(&b, row, 1, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_write_row(&b, row, 0, NULL));
	assert_rc(KISCRM_EVERSION, kiscrm_csv_write_options_init(&o, 0));
	assert_string_equal("'@cmd,\"a\"\"b\",,,\"x,y\"\n'@cmd\n@cmd\n", b.ptr);
	kiscrm_buf_dispose(&b);
}

/* --- the public reader --------------------------------------------------------------- */

static void expect_row(kiscrm_csv_reader *r, int line, size_t n, const char *const *fields)
{
	assert_rc(KISCRM_OK, kiscrm_csv_reader_next(r));
	assert_int_equal(line, kiscrm_csv_reader_line(r));
	assert_int_equal(n, kiscrm_csv_reader_field_count(r));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fields[i], kiscrm_csv_reader_field(r, i));
	assert_null(kiscrm_csv_reader_field(r, n));
}

static void test_reader(void **state)
{
	(void)state;
	kiscrm_csv_reader *r;
	static const char text[] = "\xEF\xBB\xBF" "a,b\r\n\r\n\"x,\"\"y\"\"\",'=1\n\"multi\nline\",''@z\n";
	assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&r, text, sizeof(text) - 1, "t.csv", NULL));
	expect_row(r, 1, 2, (const char *const[]){ "a", "b" });
	expect_row(r, 3, 2, (const char *const[]){ "x,\"y\"", "=1" });
	expect_row(r, 4, 2, (const char *const[]){ "multi\nline", "'@z" });
	assert_rc(KISCRM_ITEROVER, kiscrm_csv_reader_next(r));
	assert_int_equal(0, kiscrm_csv_reader_field_count(r));
	kiscrm_csv_reader_free(r);
}

/* A NUL byte and a stray quote: errors naming file, line and column (field number);
 * the reader goes on after the bad record, and never ends the data early. */
static void test_reader_errors(void **state)
{
	(void)state;
	kiscrm_csv_reader *r;
	static const char nul[] = "a,b\nok,1\nx,y\0z\nlast,2\n";
	assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&r, nul, sizeof(nul) - 1, "nul.csv", NULL));
	expect_row(r, 1, 2, (const char *const[]){ "a", "b" });
	expect_row(r, 2, 2, (const char *const[]){ "ok", "1" });
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_next(r));
	const kiscrm_error *e = kiscrm_error_last();
	assert_string_equal("nul.csv", e->file);
	assert_int_equal(3, e->line);
	assert_int_equal(2, e->column);
	assert_msg_has("NUL byte");
	assert_int_equal(3, kiscrm_csv_reader_line(r));
	expect_row(r, 4, 2, (const char *const[]){ "last", "2" });
	assert_rc(KISCRM_ITEROVER, kiscrm_csv_reader_next(r));
	kiscrm_csv_reader_free(r);

	/* The Maven failure: one stray quote used to swallow the rest of the file. */
	static const char stray[] = "id,account\n1,Acme\n2,\"Betasoft\n3,Cheers\n4,Dambase\n";
	assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&r, stray, sizeof(stray) - 1, "deals.csv", NULL));
	expect_row(r, 1, 2, (const char *const[]){ "id", "account" });
	expect_row(r, 2, 2, (const char *const[]){ "1", "Acme" });
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_next(r));
	e = kiscrm_error_last();
	assert_string_equal("deals.csv", e->file);
	assert_int_equal(3, e->line);
	assert_int_equal(2, e->column);
	assert_msg_has("never closed");
	kiscrm_csv_reader_free(r);

	/* Bytes that are not UTF-8, and arguments. */
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_new(&r, "a\n\xff\n", 4, "bad.csv", NULL));
	assert_null(r);
	assert_int_equal(2, kiscrm_error_last()->line);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_new(&r, "a", 1, NULL, "klingon-8"));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_new(NULL, "a", 1, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_new(&r, NULL, 1, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_reader_next(NULL));
	assert_int_equal(0, kiscrm_csv_reader_line(NULL));
	assert_null(kiscrm_csv_reader_field(NULL, 0));
	kiscrm_csv_reader_free(NULL);
	/* GBK in, UTF-8 out. */
	assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&r, "\xd6\xd0\xce\xc4\n", 5, NULL, "gbk"));
	expect_row(r, 1, 1, (const char *const[]){ "中文" });
	kiscrm_csv_reader_free(r);
}

/* The importer sees the NUL byte with its line and column too, and writes nothing. */
static void test_import_nul(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *errors = NULL;
	static const char text[] = "name,short_name\nA,a\nB,b\0\nC,c\n";
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(NULL, &errors, db, KISCRM_KIND_CUSTOMER, text,
							 sizeof(text) - 1, "c.csv", NULL));
	assert_int_equal(3, kiscrm_error_last()->line);
	assert_int_equal(2, kiscrm_error_last()->column);
	assert_msg_has("c.csv:3: ");
	assert_msg_has("NUL byte");
	assert_int_equal(1, kiscrm_table_row_count(errors));
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
}

int main(void)
{
	const struct CMUnitTest both[] = {
		cmocka_unit_test_setup_teardown(test_export_neutralises_formulas, kc_test_db_setup,
						kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_formula_round_trip, kc_test_db_setup,
						kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_numbers_not_prefixed, kc_test_db_setup,
						kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_nul, kc_test_db_setup, kc_test_db_teardown),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test_setup_teardown(test_export_refuses_database_files, sqlite_setup,
						sqlite_teardown),
		cmocka_unit_test_setup_teardown(test_export_failure_leaves_target, sqlite_setup,
						sqlite_teardown),
		cmocka_unit_test_setup_teardown(test_export_unwritable_dir, sqlite_setup,
						sqlite_teardown),
		cmocka_unit_test(test_write_row_and_options),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_reader_errors),
	};
	int failed = kc_test_run_both(both);
	failed += cmocka_run_group_tests_name("files", files, NULL, NULL);
	return failed ? 1 : 0;
}
