# Writes OUT: a C file defining sh_srv_openapi() over the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," arr "${hex}")
file(WRITE ${OUT} "/* generated from server/openapi.json by server/embed.cmake */\n"
  "#include \"sh_srv.h\"\n"
  "static const char doc[] = {${arr} 0};\n"
  "const char *sh_srv_openapi(size_t *len) { *len = ${len}; return doc; }\n")
