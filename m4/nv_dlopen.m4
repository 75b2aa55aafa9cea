dnl NV_DLOPEN_SONAME(DEFINE, NAME, SONAME, DEBIAN-PACKAGE)
dnl A library the programs load with dlopen(3) instead of linking
dnl (src/dlib.c): --with-NAME-soname=FILE names it, NV_DEFINE_SONAME
dnl carries it to the C code, and configure checks that it loads.
AC_DEFUN([NV_DLOPEN_SONAME], [
AC_ARG_WITH([$2-soname],
  [AS_HELP_STRING([--with-$2-soname=FILE], [the file dlopen(3) loads $2 by @<:@$3@:>@])],
  [nv_soname=$withval], [nv_soname=$3])
AC_DEFINE_UNQUOTED([NV_$1_SONAME], ["$nv_soname"], [the file dlopen(3) loads $2 by])
AC_MSG_CHECKING([whether dlopen finds $nv_soname])
AC_RUN_IFELSE([AC_LANG_PROGRAM([[#include <dlfcn.h>
#include <stddef.h>]],
  [[return dlopen("$nv_soname", RTLD_NOW) == NULL;]])],
  [AC_MSG_RESULT([yes])],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([dlopen cannot load $nv_soname: install the Debian package $4, or name the file with --with-$2-soname])],
  [AC_MSG_RESULT([not checked (cross-compiling)])])
])
