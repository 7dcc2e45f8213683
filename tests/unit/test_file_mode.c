/* Permissions of the SQLite files the library creates: a CRM database holds customers'
 * contacts and money, so a new database and its -wal and -shm files are 0600 by default
 * even under the usual umask 022, or exactly the `file_mode` asked for. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fixture {
	char dir[64];
	char db[96], wal[100], shm[100];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kiscrm-mode-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/crm.db", f->dir);
	snprintf(f->wal, sizeof(f->wal), "%s-wal", f->db);
	snprintf(f->shm, sizeof(f->shm), "%s-shm", f->db);
	umask(022); /* the usual lax umask: files would be 0644 */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	unlink(f->wal);
	unlink(f->shm);
	unlink(f->db);
	rmdir(f->dir);
	free(f);
	return 0;
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		fail_msg("%s does not exist", path);
	return (unsigned)(st.st_mode & 07777);
}

/* Opens the database with @p o, writes a record (so that -wal and -shm exist) and checks
 * the mode of all three files while it is open. */
static void open_write_check(fixture *f, kiscrm_db_options *o, unsigned expected)
{
	kiscrm_db *db = NULL;
	o->path = f->db;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, o));
	kc_test_customer(db, "Acme");
	assert_int_equal(mode_of(f->db), expected);
	assert_int_equal(mode_of(f->wal), expected);
	assert_int_equal(mode_of(f->shm), expected);
	kiscrm_db_free(db);
}

static void test_new_database_is_owner_only(void **state)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	open_write_check(*state, &o, 0600);
}

static void test_version1_caller_gets_owner_only(void **state)
{
	/* a caller built before file_mode existed */
	kiscrm_db_options o;
	assert_rc(KISCRM_OK, kiscrm_db_options_init(&o, 1));
	open_write_check(*state, &o, 0600);
}

static void test_file_mode_is_applied_exactly(void **state)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.file_mode = 0640;
	open_write_check(*state, &o, 0640);
}

static void test_file_mode_wider_than_umask(void **state)
{
	/* asked for explicitly: group write is kept although the umask 022 would drop it */
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.file_mode = 0660;
	open_write_check(*state, &o, 0660);
}

static void test_existing_file_keeps_its_mode(void **state)
{
	fixture *f = *state;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	open_write_check(f, &o, 0600);
	/* the owner widened it on purpose: reopening does not narrow it, and SQLite gives the
	 * new -wal and -shm the database's mode */
	unlink(f->wal);
	unlink(f->shm);
	assert_int_equal(chmod(f->db, 0640), 0);
	o.file_mode = 0600;
	open_write_check(f, &o, 0640);
}

static void test_bad_file_mode_is_refused(void **state)
{
	fixture *f = *state;
	static const int bad[] = { 0400, 0200, 01600, 04700, 0100000, -1 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
		kiscrm_db *db = NULL;
		char text[16];
		o.path = f->db;
		o.file_mode = bad[i];
		assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
		assert_null(db);
		assert_string_equal(kiscrm_error_last()->field, "file_mode");
		snprintf(text, sizeof(text), "%o", (unsigned)bad[i]);
		assert_string_equal(kiscrm_error_last()->value, text);
		assert_int_equal(access(f->db, F_OK), -1); /* nothing created */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_database_is_owner_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version1_caller_gets_owner_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_mode_is_applied_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_mode_wider_than_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_file_keeps_its_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_mode_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, kc_test_group_sqlite, NULL);
}
