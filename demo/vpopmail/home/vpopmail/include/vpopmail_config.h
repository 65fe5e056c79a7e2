/* config.h.  Generated from config.h.in by configure.  */
/* vpopmail 5.4.33 as built on this demo host: ./configure --enable-auth-module=cdb */

#define CLEAR_PASS 1
#define DOMAINS_DIR "domains"
#define FILE_LOCKING 1
#define FILE_SYNC 1
#define MAKE_SEEKABLE 1
#define PACKAGE "vpopmail"
#define PACKAGE_VERSION "5.4.33"
#define QMAILDIR "/var/qmail"
#define QMAILINJECT "/var/qmail/bin/qmail-inject"
#define QMAILNEWU "/var/qmail/bin/qmail-newu"
#define USERS_BIG_DIR 1
#define USE_CDB 1
#define VERSION "5.4.33"
#define VPOPMAILDIR "/home/vpopmail"
#define VPOPMAILGID 89
#define VPOPMAILUID 89
#define VPOPGROUP "vchkpw"
#define VPOPUSER "vpopmail"
