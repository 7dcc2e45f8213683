/* The files of an open database, so that no output file is ever written over them. */
#ifndef KC_DB_FILES_H
#define KC_DB_FILES_H

#include "storage/db.h"

/* Remembers the absolute path of the database file just opened at path (a SQLite file;
 * ":memory:" and "" have none). */
int kc_db_files_note(kiscrm_db *db, const char *path);

/* KISCRM_EINVALID, naming path, when path is the database file or one of its companions
 * (-wal, -shm, -journal): the same device and inode when both exist, else the same
 * resolved path. KISCRM_OK otherwise, and for a database without a file. */
int kc_db_files_refuse(const kiscrm_db *db, const char *path);

#endif
