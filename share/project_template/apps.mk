# apps.mk - the apps of project @PROJECT@: the one place they are listed.
#
# `wick startapp NAME` writes the folder NAME/ and adds "APPS += NAME"
# here.  The Makefile then compiles NAME/*.c into the project, embeds
# NAME/templates/ with the project's templates, builds NAME/tests/, and
# generates build/gen/apps.h, through which app.c mounts NAME_routes at
# /NAME/.  To drop an app, delete its line (and, if you like, its folder).
PROJECT = @PROJECT@
APPS =
