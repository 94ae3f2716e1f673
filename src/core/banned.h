/* Functions that invite overflows or hidden state; use the bounded ones instead. */
#ifndef ATRIUM_CORE_BANNED_H
#define ATRIUM_CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_banned
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gets
#define gets(x) BANNED(gets)

#endif
