namespace SharpRL.Environments.MuJoCo.Native;

/// <summary>
/// One array of mjModel or mjData as described by MuJoCo's <c>mjxmacro.h</c>: where its pointer sits in
/// the struct and how many elements it has (rows × columns, both read from the model).
/// </summary>
/// <param name="Name">Field name, e.g. "qpos".</param>
/// <param name="ElementSize">sizeof of one element in bytes.</param>
/// <param name="Offset">Byte offset of the pointer in the struct.</param>
/// <param name="RowsOffset">Byte offset in mjModel of the int holding the number of rows.</param>
/// <param name="Columns">Constant part of the number of columns.</param>
/// <param name="ColumnsOffset">Byte offset in mjModel of an int adding columns, or −1.</param>
/// <param name="ColumnsFactor">Factor of that int.</param>
internal readonly record struct MjArrayField(string Name, int ElementSize, int Offset, int RowsOffset, int Columns, int ColumnsOffset, int ColumnsFactor);
