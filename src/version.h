/* The release version. */
#define ATRIUM_VERSION "0.1.0"
