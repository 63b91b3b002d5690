/*
 * models.h - the app books' data: a reading list.
 */
#ifndef MYSITE_BOOKS_MODELS_H
#define MYSITE_BOOKS_MODELS_H

#include "wick/db/model.h"

/* A book on the list; "read" once it has been read. */
#define BOOKS_BOOK(F, M) \
	F(M, title, TEXT, .max_length = 200, .verbose_name = "title") \
	F(M, author, TEXT, .max_length = 100, .verbose_name = "author") \
	F(M, read, BOOL, .def = "0", .verbose_name = "read") \
	F(M, added, DATETIME, .verbose_name = "added")
WK_MODEL_STRUCT(books_book, BOOKS_BOOK)

#endif /* MYSITE_BOOKS_MODELS_H */
