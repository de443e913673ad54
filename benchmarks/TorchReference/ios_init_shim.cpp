#include <ios>
// GCC 13's libstdc++ exports std::ios_base_library_init(); GCC 12's initialises the standard streams itself.
namespace std { void ios_base_library_init() { static ios_base::Init init; } }
